import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline, sources, type Sink } from '../../../index.ts'
import { slowStore } from '../../fixtures/slow-store.ts'

const counting = (): Sink<unknown> => ({ kind: 'sink', description: 'counting', open: () => ({ write() {} }) })

test('heartbeats slower to write than their interval do not pile up: the end is not queued behind a backlog', async (t) => {
  t.timeout(60_000)
  const p = pipeline('heartbeat-backlog')
  p.source('gen', sources.generator({ seed: 1, rate: 2000, keys: 5 })).sink('out', counting())
  // Each run-record write takes 100 ms, a heartbeat is asked every 10 ms: before, every tick queued
  // one more write, so after 2 s the stop's final write waited behind ~180 of them (≥ 18 s).
  const job = p.run({ store: slowStore('compareAndSet', 100), heartbeatInterval: 10 })
  await sleep(2000)
  const asked = performance.now()
  const stopped = await Promise.race([job.stop(), sleep(30_000, undefined, { ref: false })])
  const stopMs = performance.now() - asked
  t.truthy(stopped, 'the stop did not finish within 30 s')
  t.is(stopped?.status, 'stopped')
  // A write in flight, one waiting heartbeat, then the final write: well under a second; 8 s tolerates a loaded machine.
  t.true(stopMs < 8_000, `stop took ${stopMs.toFixed(0)} ms`)
  const writes = job.metrics().runRecord?.writes ?? 0
  t.true(writes >= 5, `${writes} run-record writes`)
})
