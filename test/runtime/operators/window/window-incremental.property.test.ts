import test from 'ava'
import fc from 'fast-check'
import { setTimeout as sleep } from 'node:timers/promises'
import { stores, type Job } from '../../../../index.ts'
import { PipelineCheckpoints } from '../../../../persistence/checkpoints/pipeline-checkpoints.ts'
import { buildWindowPipeline, type OutputKind, type Rec, type WindowParams } from '../../../fixtures/windows/window-pipeline.ts'
import { pacedSource } from '../../../fixtures/windows/paced-source.ts'
import { byKey, recordsArb } from '../../../components/windows/harness.ts'

// Incremental checkpoints of window state: a job takes a full checkpoint, then checkpoints that
// hold only the keys changed or dropped since (every window kind, every output), is stopped after
// a random number of them, and restored from the chain (full + changes folded) — its output then
// equals an uninterrupted run's, per key.
const windowArb: fc.Arbitrary<WindowParams> = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map((n) => ({ type: 'lengthBatch' as const, n })),
  fc.integer({ min: 1, max: 5 }).map((n) => ({ type: 'length' as const, n })),
  fc.integer({ min: 1, max: 5 }).map((n) => ({ type: 'sort' as const, n })),
  fc.integer({ min: 2, max: 30 }).map((size) => ({ type: 'tumbling' as const, size, maxOutOfOrderness: 5, allowedLateness: 5 })),
  fc.integer({ min: 2, max: 10 }).map((slide) => ({ type: 'sliding' as const, size: slide * 2, slide, maxOutOfOrderness: 5, allowedLateness: 0 })),
  fc.integer({ min: 2, max: 20 }).map((gap) => ({ type: 'session' as const, gap, maxOutOfOrderness: 5, allowedLateness: 5 })),
)
const kindArb = fc.constantFrom<OutputKind>('columns', 'aggregate', 'reduce', 'collect')

/** Waits for `checkpoints` checkpoints, or for the job's end (a short input ends before them). */
async function until(job: Job, checkpoints: number): Promise<void> {
  const ended = ['completed', 'stopped', 'failed']
  const waiting = (): boolean => (job.metrics().checkpoints?.completed ?? 0) < checkpoints && !ended.includes(job.metrics().status)
  for (let i = 0; i < 2_000 && waiting(); i++) await sleep(2)
}

test('window state through a chain of incremental checkpoints: stop after k of them, restore the chain, continue = uninterrupted', async (t) => {
  t.timeout(240_000)
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  let changes = 0
  await fc.assert(fc.asyncProperty(recordsArb({ disorder: 8, maxLength: 120, timeSpread: 4 }), windowArb, kindArb, fc.integer({ min: 2, max: 6 }),
    async (drawn, window, kind, k) => {
      // 16 keys: an interval of a few records touches fewer than half of them, so window steps
      // write changes (with half or more changed they write a full snapshot).
      const input = drawn.map((r) => ({ ...r, k: `k${(r.id * 7) % 16}` }))
      const c = { input, window, kind, keyed: true }
      const whole = (await buildWindowPipeline(c).run().done).results.out as unknown[]
      const store = stores.memory()
      const first = buildWindowPipeline(c, pacedSource(input)).run({ store, checkpointInterval: 3, retain: 10, incremental: { fullEvery: 1_000 } })
      await until(first, k)
      const a = await first.stop()
      const b = await buildWindowPipeline(c, pacedSource(input, 0)).run({ store, restore: 'latest' }).done
      t.deepEqual(byKey([...a.results.out as unknown[], ...b.results.out as unknown[]]), byKey(whole))
      // Any checkpoint of the first run (a run whose input ended before its second one has none).
      const cps = new PipelineCheckpoints(store, 'windows-test')
      for (let id = 1; id <= a.checkpoints!.last!.id; id++) {
        const manifest = await cps.read(id).catch(() => undefined)
        if (manifest?.holders.find((h) => h.stateId === 'out-w/w')?.snapshot === 'changes') { changes++; break }
      }
    }), { numRuns: 15, seed })
  t.log(`${changes} of the runs took a changes checkpoint of the window step`)
  t.true(changes > 0, 'some restores read a chain with changes')
})
