import test from 'ava'
import { pipeline, sinks, sources, type ListState, type MapState } from '../../../index.ts'
import { KeyedStateHolder } from '../../../runtime/state/keyed-state-holder.ts'
import { ListState as ListStateClass } from '../../../runtime/state/list-state.ts'

// Found from outside: ListState.add pushed onto the array get had returned (typed readonly T[]), so
// a list an Oxi emitted grew afterwards, and the output depended on the batch size: with
// --batch-size 1 a record's emitted list was [0], by default [0, 4, 18]. What get hands out now
// never changes: it is frozen, and the next add copies it.

interface Ev { id: number; key: string }
interface Out { id: number; key: string; list: readonly number[]; entries: [string, number][] }

const run = (batchSize: number | undefined) => pipeline('handed-out')
  .source('gen', sources.generator({ seed: 5, count: 300, keys: 4 }))
  .keyBy((r: Ev) => r.key)
  .process('st', () => {
    let l: ListState<number, Ev>
    let m: MapState<string, number, Ev>
    return {
      open(ctx) { l = ctx.state.list('ids'); m = ctx.state.map('m') },
      onBatch(rs, ctx) {
        for (const r of rs) {
          l.add(r, r.id)
          m.set(r, 'last', r.id)
          ctx.emit({ id: r.id, key: r.key, list: l.get(r), entries: m.entries(r) })
        }
      },
    }
  })
  .sink('out', sinks.collect())
  .run(batchSize === undefined ? {} : { batchSize }).done

test('a list got from ListState and emitted does not change after: the output is the same for any batch size, and that of a plain loop', async (t) => {
  const [one, many] = (await Promise.all([run(1), run(undefined)])).map((o) => (o.results.out as Out[]).slice().sort((a, b) => a.id - b.id))
  t.deepEqual(one, many)
  // The plain loop: a record's list is the ids of its key's records so far (in id order), its own last.
  const sofar = new Map<string, number[]>()
  let wrong = 0
  for (const o of many!) {
    const ids = [...(sofar.get(o.key) ?? []), o.id]
    sofar.set(o.key, ids)
    if (JSON.stringify(o.list) !== JSON.stringify(ids)) wrong++
    t.deepEqual(o.entries, [['last', o.id]])
  }
  t.is(wrong, 0, `${wrong} of ${many!.length} emitted lists differ from the plain loop's`)
})

test('ListState.get hands out a frozen list: adds after it leave it as it was; adds without a get append in place', (t) => {
  const h = new KeyedStateHolder({ step: 's', name: 'l', kind: 'list', keyOf: (r) => r, groupOf: () => 0, now: () => 0, watermark: () => -Infinity, options: {} })
  const l = new ListStateClass<number, string>(h)
  l.add('a', 1)
  l.add('a', 2)
  const first = l.get('a')
  t.true(Object.isFrozen(first))
  l.add('a', 3)
  t.deepEqual(first, [1, 2])
  const second = l.get('a')
  t.deepEqual(second, [1, 2, 3])
  t.not(second, first)
  t.is(l.get('a'), second, 'a list not changed since is handed out again as it is')
  l.update('a', [9])
  l.add('a', 10)
  l.add('a', 11)
  t.deepEqual(second, [1, 2, 3])
  t.deepEqual(l.get('a'), [9, 10, 11])
})
