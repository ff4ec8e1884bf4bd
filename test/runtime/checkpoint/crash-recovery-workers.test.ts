// The crash tests of crash-recovery.test.ts with the job on 2 and 3 worker threads: the keyed
// step runs on workers, the sinks on the main thread, barriers cross threads in band. Keys'
// outputs interleave differently from run to run, so each key's records are compared in order.
import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actualOutput, expectedOutput, faultRate, perKey, untilDone, type CrashOutput } from '../../fixtures/crash/harness.ts'

function sameOutput(t: { deepEqual(a: unknown, b: unknown, m?: string): void; is(a: unknown, b: unknown, m?: string): void },
  actual: CrashOutput, expected: CrashOutput): void {
  t.is(actual.counts.split('\n').length, expected.counts.split('\n').length, 'counts.jsonl: number of lines')
  t.deepEqual(perKey(actual.counts), perKey(expected.counts), 'counts.jsonl: every key\'s records, in order')
  // One source instance and one filter before the sink: the order is the source's.
  t.is(actual.rare, expected.rare, 'rare.jsonl differs from the uninterrupted run')
}

// Two fault points on workers (crash-recovery.test.ts covers all four inline): after the manifest, and between the
// sinks' commits.
for (const [workers, points] of [[2, ['after-manifest', 'before-commit']]] as const) {
  for (const point of points) {
    test.serial(`${workers} workers: SIGKILL ${point.replace('-', ' ')} of checkpoint 3, then --restore latest: same output per key`, async (t) => {
      t.timeout(120_000)
      const expected = await expectedOutput(t)
      const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-workers-'))
      t.teardown(() => rm(dir, { recursive: true, force: true }))
      const killed = await untilDone({ dir, workers, rate: faultRate }, { env: { OXIFLOW_FAULT: `${point}:3` } }, () => undefined)
      t.is(killed, 1, 'the fault point must have killed the first run')
      sameOutput(t, await actualOutput(dir), expected)
    })
  }
}

for (const workers of [2, 3]) {
  test.serial(`${workers} workers: random SIGKILLs, each run restarted with --restore latest, leave the output of an uninterrupted run`, async (t) => {
    t.timeout(240_000)
    const expected = await expectedOutput(t)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-workers-random-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    let kills = 0
    // Past the workers' startup (about 600 ms here), at most 4 kills, then a run to the end.
    const nextKill = (): number | undefined => (kills++ < 3 ? 900 + Math.floor(Math.random() * 900) : undefined)
    const killed = await untilDone({ dir, workers }, { killAfterMs: nextKill() }, nextKill)
    t.log(`${killed} runs killed`)
    sameOutput(t, await actualOutput(dir), expected)
  })
}
