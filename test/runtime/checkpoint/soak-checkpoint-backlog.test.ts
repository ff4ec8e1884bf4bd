import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline, sources, type Sink } from '../../../index.ts'
import { slowStore } from '../../fixtures/slow-store.ts'

const counting = (): Sink<unknown> => ({ kind: 'sink', description: 'counting', open: () => ({ write() {} }) })

test('periodic checkpoints slower than their interval do not pile up: a stop is not queued behind a backlog', async (t) => {
  t.timeout(60_000)
  const p = pipeline('backlog')
  p.source('gen', sources.generator({ seed: 1, rate: 2000, keys: 5 }))
    .keyBy((r) => r.key)
    .reduce('n', (n: number) => n + 1, () => 0)
    .sink('out', counting())
  // Each checkpoint writes a few blobs and a manifest at 60 ms a put (≥ 180 ms), asked every 10 ms:
  // before, every tick queued one more, so after 2 s the stop waited behind ~190 of them (≥ 35 s).
  const job = p.run({ store: slowStore('put', 60), checkpointInterval: 10 })
  await sleep(2000)
  const asked = performance.now()
  const stopped = await Promise.race([job.stop(), sleep(30_000, undefined, { ref: false })])
  const stopMs = performance.now() - asked
  t.truthy(stopped, 'the stop did not finish within 30 s')
  t.is(stopped?.status, 'stopped')
  // One checkpoint in flight, then the final one: a few hundred ms; 10 s tolerates a loaded machine.
  t.true(stopMs < 10_000, `stop took ${stopMs.toFixed(0)} ms`)
  t.true((stopped?.checkpoints?.completed ?? 0) >= 2, `${stopped?.checkpoints?.completed} checkpoints completed`)
})
