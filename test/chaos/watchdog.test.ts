// The chaos harness's watchdog: a child run that stops making progress is killed within seconds
// and reported with its stderr and `oxiflow state show` — never left to ava's timeout.
import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChaosSpec } from '../fixtures/chaos/spec.ts'
import { runChild } from './child-run.ts'

const spec: ChaosSpec = {
  seed: 1,
  branches: [{ source: { kind: 'generator', count: 5000, keys: 3, rate: 1000 }, before: [], after: [] }],
  tail: { before: [], after: [] },
  sinkParallelism: 1,
}

test('a run stuck on a record is killed once no checkpoint commits for stallMs, and reported with its run record', async (t) => {
  t.timeout(90_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-chaos-watchdog-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const started = Date.now()
  // Record 300 arrives ~0.3 s after the start and never leaves its step: the barriers queue behind it.
  const r = await runChild({
    workers: 0, store: join(dir, 'store'), params: { spec, dir, out: dir, hangAt: 300 }, checkpointInterval: 50, restore: false,
    limits: { startMs: 30_000, stallMs: 3_000, totalMs: 60_000, stopMs: 10_000 },
  })
  t.is(r.signal, 'SIGKILL')
  t.regex(r.stuck ?? '', /no checkpoint committed for 3000 ms \(stalled after checkpoint \d+\)/)
  t.regex(r.stuck ?? '', /oxiflow state show chaos --json:\n\{"pipelineId":"chaos"/)
  t.regex(r.stuck ?? '', /"status":"running"/)
  t.true(Date.now() - started < 45_000)
})
