import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { stores, type Job, type JobSummary } from '../../../../index.ts'
import { buildWindowPipeline, type Rec, type WindowCase, type WindowParams } from '../../../fixtures/windows/window-pipeline.ts'
import build from '../../../fixtures/windows/paced-window-pipeline.ts'
import { byKey } from '../../../components/windows/harness.ts'

// Window state in columns (one part per instance, shared by its key groups) moves by key group:
// stopped on 1 worker, restored on 3 and stopped, restored on 2 to the end — with full and
// incremental checkpoints — the output equals the uninterrupted inline run's, per key.
const module = new URL('../../../fixtures/windows/paced-window-pipeline.ts', import.meta.url).href
const input: Rec[] = Array.from({ length: 300 }, (_, id) => ({ k: `k${(id * 7) % 11}`, v: (id * 37) % 41 - 20, t: 1_000 + id * 3 - (id % 5), id }))
const windows: [string, WindowParams][] = [
  ['tumbling', { type: 'tumbling', size: 40, maxOutOfOrderness: 5, allowedLateness: 5 }],
  ['session', { type: 'session', gap: 12, maxOutOfOrderness: 5, allowedLateness: 0 }],
]

/** Stops after `checkpoints` checkpoints, or once 60 records were read in this run (a loaded machine checkpoints slowly). */
async function stopAfter(job: Job, checkpoints: number): Promise<JobSummary> {
  const m = (): ReturnType<Job['metrics']> => job.metrics()
  for (let i = 0; i < 5_000 && (m().checkpoints?.completed ?? 0) < checkpoints && (m().steps.in?.recordsOut ?? 0) < 60 && m().status !== 'completed'; i++) await sleep(2)
  return job.stop()
}

for (const [name, window] of windows) {
  for (const incremental of [false, { fullEvery: 100 }] as const) {
    test(`${name} window state in columns, ${incremental ? 'incremental' : 'full'} checkpoints: 1 → 3 → 2 workers = the uninterrupted run per key`, async (t) => {
      t.timeout(120_000)
      const c: WindowCase = { input, window, kind: 'columns', keyed: true }
      const whole = (await buildWindowPipeline(c).run().done).results.out as unknown[]
      const store = stores.memory()
      const run = (workers: number, restore: boolean) => build(c).run({ workers, module, params: c, store, checkpointInterval: 15, incremental,
        ...(restore && { restore: 'latest' as const }) })
      const a = await stopAfter(run(1, false), 2)
      const b = await stopAfter(run(3, true), 2)
      const last = await run(2, true).done
      t.log(`records read: ${a.steps.in.recordsOut} on 1, ${b.steps.in.recordsOut} on 3, ${last.steps.in.recordsOut} on 2`)
      t.true(a.steps.in.recordsOut < input.length, 'the first stop fell mid-input')
      const out = [a, b, last].flatMap((s) => s.results.out as unknown[])
      t.deepEqual(byKey(out), byKey(whole))
    })
  }
}
