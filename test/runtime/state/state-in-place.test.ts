import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline, sinks, sources, stores, type Job, type MapState, type StateStore, type ValueState } from '../../../index.ts'

// Found from outside: an Oxi that changed an object of its ctx.state in place (get, then o.n++,
// no set) lost those changes across a restore from an incremental checkpoint — the key was not
// counted as changed, so the checkpoint's delta left it at the full snapshot's value: 9,939–10,884
// of 16,000 output lines wrong. A handed-out object now counts as changed.

const COUNT = 60_000
interface Ev { id: number; key: string }
interface Out { id: number; key: string; n: number; c: number }

/** Counts per key in a value-state object and a map-state object, both changed in place only. */
const inPlace = (store: StateStore | undefined, fast: boolean) => pipeline('in-place')
  .source('gen', sources.generator({ seed: 9, count: COUNT, keys: 11, ...(!fast && { rate: 20_000 }) }))
  .keyBy((r: Ev) => r.key)
  .process('st', () => {
    let v: ValueState<{ n: number }, Ev>
    let m: MapState<string, { n: number }, Ev>
    return {
      open(ctx) { v = ctx.state.value('obj'); m = ctx.state.map('m') },
      onBatch(rs, ctx) {
        for (const r of rs) {
          let o = v.get(r)
          if (!o) { o = { n: 0 }; v.set(r, o) }
          o.n++
          const c = m.get(r, 'c')
          if (!c) m.set(r, 'c', { n: 1 })
          else c.n++
          ctx.emit({ id: r.id, key: r.key, n: o.n, c: m.get(r, 'c')!.n })
        }
      },
    }
  }, { parallelism: 2 })
  .sink('out', sinks.collect())

async function running(job: Job): Promise<void> {
  const deadline = Date.now() + 30_000
  while (job.metrics().status === 'starting') {
    if (Date.now() > deadline) throw new Error('job still starting after 30 s')
    await sleep(10)
  }
}

for (const incremental of [true, false]) {
  test(`objects changed in place survive ${incremental ? 'incremental' : 'full'} checkpoints: stop after 3, restore, continue = a plain loop`, async (t) => {
    t.timeout(90_000)
    const store = stores.memory()
    const first = inPlace(store, false).run({ store, incremental })
    await running(first)
    for (let i = 0; i < 3; i++) { await sleep(150); await first.checkpoint() }
    const a = await first.stop()
    t.is(a.checkpoints?.last?.incremental ?? false, incremental, 'the stop took an incremental checkpoint iff asked')
    const b = await inPlace(store, true).run({ store, incremental, restore: 'latest' }).done
    t.not(b.restore?.checkpointId, undefined)
    const out = [...a.results.out as Out[], ...b.results.out as Out[]].sort((x, y) => x.id - y.id)
    t.is(out.length, COUNT, 'every record once')
    const seen = new Map<string, number>()
    let wrong = 0
    for (const r of out) {
      const n = (seen.get(r.key) ?? 0) + 1
      seen.set(r.key, n)
      if (r.n !== n || r.c !== n) wrong++
    }
    t.is(wrong, 0, `${wrong} of ${out.length} lines have a count other than the plain loop's`)
  })
}
