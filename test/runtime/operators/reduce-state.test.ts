import test from 'ava'
import { keyGroupOf } from '../../../runtime/key-groups/key-group-assignment.ts'
import { PipelineCheckpoints } from '../../../persistence/checkpoints/pipeline-checkpoints.ts'
import { readHolderState } from '../../../persistence/checkpoints/read-holder-state.ts'
import { positionHolder } from '../../../components/sources/position-holder.ts'
import { pipeline, sinks, sources, stores, type JobSnapshot, type Source } from '../../../index.ts'
import { unpackGroup, type KeyedStateSnapshot } from '../../../runtime/state/keyed-snapshot.ts'

// `.reduce` keeps its accumulators in the runtime's keyed state: a 1.0 snapshot (pairs per key
// group) still restores, an accumulator that is `undefined` stays one (not init() again), and
// incremental checkpoints write only the keys a stretch of input touched.
type R = { k: string; v: number }
const build = (input: R[], fn: (acc: number | undefined, r: R) => number | undefined = (acc, r) => (acc ?? 0) + r.v) =>
  pipeline('red').source('in', sources.iterable(input)).keyBy((r) => r.k).reduce('sum', fn, () => 0 as number | undefined).sink('out', sinks.collect())

test('a 1.0 snapshot of .reduce (pairs per key group) restores: the totals continue', async (t) => {
  const old: JobSnapshot = new Map([['sum/accumulators', {
    stateVersion: '1.0.0',
    instances: [new Map([[keyGroupOf('a', 128), [['a', 10]]], [keyGroupOf('b', 128), [['b', 20]]]])],
  }]])
  const out = (await build([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'c', v: 3 }]).run({ restoreFrom: old }).done).results.out
  t.deepEqual(out, [{ key: 'a', value: 11 }, { key: 'b', value: 22 }, { key: 'c', value: 3 }])
})

test('an accumulator that is undefined stays undefined for the next record of its key', async (t) => {
  const seen: unknown[] = []
  const fn = (acc: number | undefined, r: R): number | undefined => { seen.push(acc); return r.v < 0 ? undefined : (acc ?? 100) + r.v }
  await build([{ k: 'a', v: -1 }, { k: 'a', v: 5 }], fn).run().done
  t.deepEqual(seen, [0, undefined])
})

test('an incremental checkpoint of .reduce writes the keys touched since the last one, not all of them', async (t) => {
  const keys = 2_000
  const input: R[] = Array.from({ length: keys }, (_, i) => ({ k: `k${i}`, v: i }))
  const store = stores.memory()
  // Reads the input, then idles (empty reads, so barriers pass) until released, then 20 more.
  let released = false
  let next = 0
  const rest: R[] = [...input, ...Array.from({ length: 20 }, (_, i) => ({ k: `k${i}`, v: 1 }))]
  const source: Source<R> = {
    kind: 'source', description: 'gated', bounded: true,
    open: (ctx) => ({
      read(max) {
        if (next >= rest.length && finished) return undefined
        if ((next >= keys && !released) || next >= rest.length) return new Promise<R[]>((r) => setTimeout(() => r([]), 2))
        const end = Math.min(rest.length, next + max, released ? rest.length : keys)
        const out = rest.slice(next, end)
        next = end
        return out
      },
      position: () => next,
      holders: () => [positionHolder(`${ctx.step}/position`, () => next, (p: number) => { next = p }, () => undefined)],
    }),
  }
  const release = (): void => { released = true }
  let finished = false
  const job = pipeline('red').source('in', source).keyBy((r: R) => r.k).reduce('sum', (acc: number, r: R) => acc + r.v, () => 0)
    .sink('out', sinks.collect()).run({ store, incremental: { fullEvery: 100 } })
  while ((job.metrics().steps.sum?.recordsIn ?? 0) < keys) await new Promise((r) => setTimeout(r, 2))
  const full = await job.checkpoint()
  release()
  while ((job.metrics().steps.sum?.recordsIn ?? 0) < keys + 20) await new Promise((r) => setTimeout(r, 2))
  const changes = await job.checkpoint()
  finished = true
  await job.done
  t.log(`sum: full ${full.steps.sum.rawBytes} B, changes ${changes.steps.sum.rawBytes} B`)
  const manifest = await new PipelineCheckpoints(store, 'red').read(changes.id)
  const entry = manifest.holders.find((h) => h.stateId === 'sum/accumulators')!
  t.is(entry.snapshot, 'changes')
  const state = await readHolderState(store, manifest, entry) as KeyedStateSnapshot
  t.deepEqual([...state.values()].flatMap((g) => unpackGroup(g).keys).sort(), Array.from({ length: 20 }, (_, i) => `k${i}`).sort())
  t.true(changes.steps.sum.rawBytes < full.steps.sum.rawBytes / 20, 'the changes of 1 % of the keys are a small part of a full snapshot')
})
