import test from 'ava'
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkpoints, stores } from '../../../index.ts'
import { actualOutput, expectedOutput, faultRate, perKey, runOnce, untilDone } from '../../fixtures/crash/harness.ts'

for (const point of ['before-manifest', 'after-manifest', 'before-commit', 'after-commit'] as const) {
  test.serial(`SIGKILL ${point.replace('-', ' ')} of checkpoint 3, then --restore latest: output equals an uninterrupted run`, async (t) => {
    t.timeout(120_000)
    const expected = await expectedOutput(t)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const killed = await untilDone({ dir, workers: 0, rate: faultRate }, { env: { OXIFLOW_FAULT: `${point}:3` } }, () => undefined)
    t.is(killed, 1, 'the fault point must have killed the first run')
    const actual = await actualOutput(dir)
    t.is(actual.counts.split('\n').length, expected.counts.split('\n').length)
    t.true(actual.counts === expected.counts, 'counts.jsonl differs from the uninterrupted run')
    t.true(actual.rare === expected.rare, 'rare.jsonl differs from the uninterrupted run')
  })
}

for (const workers of [0, 2]) {
  test.serial(`SIGKILL before the manifest of the checkpoint taken at the end, ${workers} workers: the files hold only what committed checkpoints committed, then --restore latest finishes them`, async (t) => {
    t.timeout(120_000)
    const expected = await expectedOutput(t)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-end-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    await mkdir(join(dir, 'out'))
    // No periodic checkpoint comes before the end (an interval longer than the run): the end's is the first.
    t.is(await runOnce({ dir, workers, checkpointInterval: 600_000 }, { OXIFLOW_FAULT: 'before-manifest:end' }), 'SIGKILL', 'the fault point must have killed the run')
    const store = stores.file(join(dir, 'store'))
    t.deepEqual(await checkpoints(store, 'exactly-once').list(), [], 'no checkpoint committed')
    // The lines wait for the end's checkpoint to commit: written at the end of input, the whole output was in the files.
    for (const file of ['counts.jsonl', 'rare.jsonl']) t.is((await stat(join(dir, 'out', file))).size, 0, `${file} holds lines no checkpoint committed`)
    await untilDone({ dir, workers }, {}, () => undefined)
    const actual = await actualOutput(dir)
    // On workers the keyed instances' lines interleave differently from run to run.
    t.deepEqual(perKey(actual.counts), perKey(expected.counts), 'counts.jsonl: every key\'s records, in order')
    t.true(actual.rare === expected.rare, 'rare.jsonl differs from the uninterrupted run')
  })
}

for (const workers of [0, 2]) {
  test.serial(`SIGKILL between the two sinks' commits of the checkpoint taken at the end, ${workers} workers: --restore latest finishes the output exactly once`, async (t) => {
    t.timeout(120_000)
    const expected = await expectedOutput(t)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-end-commit-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    await mkdir(join(dir, 'out'))
    t.is(await runOnce({ dir, workers, checkpointInterval: 600_000 }, { OXIFLOW_FAULT: 'before-commit:end' }), 'SIGKILL', 'the fault point must have killed the run')
    const store = stores.file(join(dir, 'store'))
    t.is((await checkpoints(store, 'exactly-once').list()).length, 1, 'the end checkpoint committed its manifest before the kill')
    await untilDone({ dir, workers }, {}, () => undefined)
    const actual = await actualOutput(dir)
    t.deepEqual(perKey(actual.counts), perKey(expected.counts), 'counts.jsonl: every key\'s records, in order')
    t.true(actual.rare === expected.rare, 'rare.jsonl differs from the uninterrupted run')
  })
}

test.serial('random SIGKILLs, each run restarted with --restore latest, leave exactly the output of an uninterrupted run', async (t) => {
  t.timeout(240_000)
  const expected = await expectedOutput(t)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-random-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  let kills = 0
  // Random kill times between 400 ms (past startup) and 1100 ms, at most 4 kills, then a run to the end.
  const nextKill = (): number | undefined => (kills++ < 4 ? 400 + Math.floor(Math.random() * 700) : undefined)
  const killed = await untilDone({ dir, workers: 0 }, { killAfterMs: nextKill() }, nextKill)
  t.log(`${killed} runs killed`)
  t.true(killed >= 1, 'at least one run was killed before it finished')
  const actual = await actualOutput(dir)
  t.true(actual.counts === expected.counts, 'counts.jsonl differs from the uninterrupted run')
  t.true(actual.rare === expected.rare, 'rare.jsonl differs from the uninterrupted run')
})
