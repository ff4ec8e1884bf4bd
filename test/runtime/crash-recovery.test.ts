import test from 'ava'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import build from '../fixtures/crash/exactly-once.ts'

const count = 6000
const rate = 12_000 // about half a second of input per uninterrupted run

/** Runs the fixture through the CLI with checkpoints and --restore latest; kills it after `killAfterMs` if given. */
function runOnce(dir: string, env: Record<string, string>, killAfterMs?: number): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/oxiflow.mjs', 'run', 'test/fixtures/crash/exactly-once.ts', '--store', join(dir, 'store'),
      '--checkpoint-interval', '40', '--restore', 'latest', '--params', JSON.stringify({ out: join(dir, 'out'), count, rate })],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => { stderr += d })
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code !== null && code !== 0) reject(new Error(`exit ${code}: ${stderr}`))
      else resolve(code ?? signal!)
    })
  })
}

/** Restarts until a run completes (exit 0); returns how many runs were killed. */
async function untilDone(dir: string, first: { env?: Record<string, string>; killAfterMs?: number }, nextKill: () => number | undefined): Promise<number> {
  await mkdir(join(dir, 'out'), { recursive: true })
  let killed = 0
  let r = await runOnce(dir, first.env ?? {}, first.killAfterMs)
  while (r !== 0) {
    killed++
    r = await runOnce(dir, {}, nextKill())
  }
  return killed
}

async function expectedOutput(t: { teardown(f: () => Promise<void>): void }): Promise<{ counts: string; rare: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-expected-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await build({ out: dir, count, rate: 1e9 }).run().done
  return { counts: await readFile(join(dir, 'counts.jsonl'), 'utf8'), rare: await readFile(join(dir, 'rare.jsonl'), 'utf8') }
}

async function actualOutput(dir: string): Promise<{ counts: string; rare: string }> {
  return { counts: await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8'), rare: await readFile(join(dir, 'out', 'rare.jsonl'), 'utf8') }
}

for (const point of ['before-manifest', 'after-manifest', 'before-commit', 'after-commit'] as const) {
  test.serial(`SIGKILL ${point.replace('-', ' ')} of checkpoint 3, then --restore latest: output equals an uninterrupted run`, async (t) => {
    t.timeout(120_000)
    const expected = await expectedOutput(t)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const killed = await untilDone(dir, { env: { OXIFLOW_FAULT: `${point}:3` } }, () => undefined)
    t.is(killed, 1, 'the fault point must have killed the first run')
    const actual = await actualOutput(dir)
    t.is(actual.counts.split('\n').length, expected.counts.split('\n').length)
    t.true(actual.counts === expected.counts, 'counts.jsonl differs from the uninterrupted run')
    t.true(actual.rare === expected.rare, 'rare.jsonl differs from the uninterrupted run')
  })
}

test.serial('random SIGKILLs, each run restarted with --restore latest, leave exactly the output of an uninterrupted run', async (t) => {
  t.timeout(240_000)
  const expected = await expectedOutput(t)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-crash-random-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  let kills = 0
  // Random kill times between 400 ms (past startup) and 1100 ms, at most 6 kills, then a run to the end.
  const nextKill = (): number | undefined => (kills++ < 6 ? 400 + Math.floor(Math.random() * 700) : undefined)
  const killed = await untilDone(dir, { killAfterMs: nextKill() }, nextKill)
  t.log(`${killed} runs killed`)
  const actual = await actualOutput(dir)
  t.true(actual.counts === expected.counts, 'counts.jsonl differs from the uninterrupted run')
  t.true(actual.rare === expected.rare, 'rare.jsonl differs from the uninterrupted run')
})
