// Rescaling: a checkpoint taken with N workers restores with M. Keyed state moves by key group,
// the file source's splits are reassigned from their positions, and the output equals what a
// plain loop computes over the input, per key in order.
import test from 'ava'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { stores } from '../../../index.ts'
import { perKey } from '../../fixtures/crash/harness.ts'
import build, { rescaleOracle as oracle } from '../../fixtures/crash/rescale.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/crash/rescale.ts')).href

const lines = 12_000

/** Runs the fixture; with `killOnFirstCommit`, SIGKILLs it as soon as a checkpoint's output is published. */
function run(dir: string, workers: number, killOnFirstCommit = false): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/oxiflow.mjs', 'run', 'test/fixtures/crash/rescale.ts', '--workers', String(workers),
      '--store', join(dir, 'store'), '--checkpoint-interval', '30', '--restore', 'latest',
      '--params', JSON.stringify({ input: join(dir, 'in.jsonl'), out: join(dir, 'out'), slowFrom: lines / 2, slowMs: 0.15 })],
    { stdio: ['ignore', 'pipe', 'pipe'] })
    const poll = killOnFirstCommit ? setInterval(() => {
      stat(join(dir, 'out', 'counts.jsonl')).then((s) => { if (s.size > 0) child.kill('SIGKILL') }, () => {})
    }, 5) : undefined
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    child.on('error', reject)
    child.on('exit', (code, signal) => (clearInterval(poll), code !== null && code !== 0 ? reject(new Error(`exit ${code}: ${output}`)) : resolve(code ?? signal!)))
  })
}


// 3 → 2 is the in-process test below.
for (const [from, to] of [[2, 1], [1, 3]] as const) {
  test.serial(`a checkpoint taken with ${from} worker(s) restores with ${to}: output equals the plain loop's, per key in order`, async (t) => {
    t.timeout(180_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-rescale-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    await mkdir(join(dir, 'out'))
    const records = Array.from({ length: lines }, (_, id) => ({ id, key: `k${(id * 7919) % 61}` }))
    await writeFile(join(dir, 'in.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    t.is(await run(dir, from, true), 'SIGKILL', `the run on ${from} worker(s) must be killed once a checkpoint committed`)
    const partial = await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')
    t.log(`killed with ${partial.split('\n').length - 1} of ${lines} lines committed`)
    t.true(partial.length > 0 && partial.split('\n').length < lines, 'the kill must fall in the middle of the input')
    t.is(await run(dir, to), 0)
    const actual = await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')
    const expected = oracle(records)
    t.is(actual.split('\n').length, expected.split('\n').length, 'number of output lines')
    t.deepEqual(perKey(actual), perKey(expected))
  })
}

test('in process with a memory store: stopped on 3 workers (final checkpoint), restored on 2 from the same store object', async (t) => {
  t.timeout(180_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-rescale-memory-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'out'))
  const records = Array.from({ length: lines }, (_, id) => ({ id, key: `k${(id * 7919) % 61}` }))
  await writeFile(join(dir, 'in.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n')
  const store = stores.memory()
  // Every record costs 0.3 ms (~1.2 s a worker): the stop falls mid-input however loaded the
  // machine (with the second half paced only, a loaded CI had run all input through before the
  // first checkpoint committed, and the stop then found a completed job).
  const params = { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), slowFrom: 0, slowMs: 0.3 }
  const first = build(params).run({ workers: 3, module, params, store, checkpointInterval: 30 })
  while ((first.metrics().checkpoints?.completed ?? 0) < 1) await sleep(5)
  const stopped = await first.stop()
  t.is(stopped.status, 'stopped')
  const second = await build(params).run({ workers: 2, module, params, store, restore: 'latest' }).done
  t.is(second.status, 'completed')
  t.true(second.restore?.checkpointId !== undefined, 'restored from the stop\'s checkpoint')
  t.true(second.steps.lines.recordsOut < lines, 'the restored run did not read the input again')
  t.deepEqual(perKey(await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')), perKey(oracle(records)))
})
