// The checkpoint a job takes at its end commits what its sinks staged since the last periodic
// one (a broker sink publishes it then), so a job cannot complete without it. It used to count a
// failure there like a periodic one's and complete anyway: the sinks' tail was then either
// published without a checkpoint covering it or never. Now the end's checkpoint is taken again,
// and when no attempt commits the job fails with EndCheckpointError; a restore finishes it.
import test, { type ExecutionContext } from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isEndCheckpointError, pipeline, sinks, sources, type StateStore } from '../../../index.ts'
import { storeBefore } from '../../fixtures/slow-store.ts'

const count = 3000
// No periodic checkpoints: every store write after the input ran out is the end's checkpoint's.
// (With an interval, periodic ones failing then used up the failures meant for it, under load.)

/** A memory store whose writes fail while `failing()` says so. */
function flakyStore(failing: () => boolean): StateStore {
  return storeBefore('put', () => { if (failing()) throw new Error('disk full (test)') })
}

/** A temporary folder for the test, removed after it, and the output file in it. */
async function outputIn(t: ExecutionContext): Promise<{ dir: string; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-end-cp-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return { dir, out: join(dir, 'out.jsonl') }
}

/** 1…count through a keyed running sum into a JSONL file; `seen` is told each record the sink step gets. */
function job(out: string, seen: (n: number) => void) {
  const p = pipeline('end-checkpoint-failure')
  p.source('in', sources.iterable(Array.from({ length: count }, (_, i) => i + 1)))
    .map('see', (n) => { seen(n); return n })
    .keyBy((n) => n % 7)
    .reduce('sum', (acc: number, n) => acc + n, () => 0)
    .sink('out', sinks.jsonl(out))
  return p
}

async function lines(file: string): Promise<unknown[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown)
}

async function oracle(dir: string): Promise<unknown[]> {
  const file = join(dir, 'oracle.jsonl')
  await job(file, () => {}).run().done
  return lines(file)
}

test('the end\'s checkpoint fails every attempt: the job fails with EndCheckpointError, and a restore finishes it exactly once', async (t) => {
  t.timeout(60_000)
  const { dir, out } = await outputIn(t)
  let ranOut = false
  let down = true
  const store = flakyStore(() => ranOut && down)
  const first = job(out, (n) => { if (n === count) ranOut = true }).run({ store })
  const e = await t.throwsAsync(first.done)
  t.true(isEndCheckpointError(e), String(e))
  t.regex(e!.message, /pipeline 'end-checkpoint-failure' read all its input, but its last checkpoint failed 3 times \(.*disk full \(test\)\)/)
  t.regex(e!.message, /restore: 'latest'/)
  t.is(first.metrics().status, 'failed')
  t.true(first.metrics().checkpoints!.failed >= 3, 'each attempt counted')

  down = false
  const again = await job(out, () => {}).run({ store, restore: 'latest' }).done
  t.is(again.status, 'completed')
  t.deepEqual(await lines(out), await oracle(dir), 'every running sum once, in order')
})

test('the end\'s checkpoint fails once: taken again, the job completes with it as its last', async (t) => {
  t.timeout(60_000)
  const { dir, out } = await outputIn(t)
  let ranOut = false
  let failures = 0
  // Fails the end's first attempt: every put from the moment the input ran out until one failed.
  const store = flakyStore(() => ranOut && failures++ === 0)
  const summary = await job(out, (n) => { if (n === count) ranOut = true }).run({ store }).done
  t.is(summary.status, 'completed')
  t.true(summary.checkpoints!.failed >= 1)
  const again = await job(out, () => {}).run({ store, restore: 'latest' }).done
  t.is(again.restore?.checkpointId, summary.checkpoints!.last!.id, 'the end\'s checkpoint is the newest')
  t.deepEqual(await lines(out), await oracle(dir), 'every running sum once, in order; the run from the end\'s checkpoint added nothing')
})

test('with a restart allowed, a store away at the end is got past: the job restarts, restores and completes', async (t) => {
  t.timeout(60_000)
  const { dir, out } = await outputIn(t)
  let ranOut = false
  let running: ReturnType<ReturnType<typeof job>['run']> | undefined
  // Down until the job restarted: the first run's three attempts at its end's checkpoint fail.
  const store = flakyStore(() => ranOut && (running?.metrics().restarts?.attempts ?? 0) === 0)
  running = job(out, (n) => { if (n === count) ranOut = true }).run({ store, restart: { attempts: 1, backoffMs: 0 } })
  const summary = await running.done
  t.is(summary.status, 'completed')
  t.is(summary.restarts?.attempts, 1)
  t.is(summary.restarts!.causes[0]!.cause.code, 'ERR_END_CHECKPOINT')
  t.deepEqual(await lines(out), await oracle(dir), 'every running sum once, in order')
})
