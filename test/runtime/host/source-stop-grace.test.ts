// A graceful stop while a source's read is in flight: the read gets its grace (2 s) to return —
// what it returns then goes downstream — and a read that does not return in time is abandoned:
// the job stops without it, and whatever it settles with later is dropped (no failure, no
// unhandled rejection) — inline and on a worker thread. The oracle is what the reader handed
// out, read by read (test/fixtures/stop-grace/two-reads.ts).
import test from 'ava'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import twoReads, { type TwoReadsParams } from '../../fixtures/stop-grace/two-reads.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/stop-grace/two-reads.ts')).href

/** Runs the fixture, stops it once the first read's records went through (its second read is then in flight), and times the stop. */
async function stopDuringSecondRead(params: TwoReadsParams, workers = 0): Promise<{ status: string; out: number[]; stopMs: number }> {
  const job = twoReads(params).run(workers > 0 ? { workers, module, params } : {})
  const deadline = Date.now() + 20_000
  while ((job.metrics().steps.same?.recordsIn ?? 0) < 3) {
    if (Date.now() > deadline) throw new Error(`the first read did not go through in 20 s: ${JSON.stringify(job.metrics().steps)}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const t0 = performance.now()
  const watchdog = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the stop did not finish in 10 s: ${JSON.stringify(job.metrics().steps)}`)), 10_000).unref())
  const summary = await Promise.race([job.stop(), watchdog])
  return { status: summary.status, out: summary.results.out as number[], stopMs: performance.now() - t0 }
}

test('a read that returns within the grace: its records go downstream, then the job stops', async (t) => {
  const r = await stopDuringSecondRead({ lateMs: 300 })
  t.is(r.status, 'stopped')
  t.deepEqual(r.out, [0, 1, 2, 3, 4])
  t.true(r.stopMs >= 200 && r.stopMs < 1_500, `stopped after ${r.stopMs.toFixed(0)} ms`)
})

test('a read that never returns is abandoned after the grace: the job stops with what came before it', async (t) => {
  const r = await stopDuringSecondRead({})
  t.is(r.status, 'stopped')
  t.deepEqual(r.out, [0, 1, 2])
  t.true(r.stopMs >= 1_900 && r.stopMs < 4_000, `stopped after ${r.stopMs.toFixed(0)} ms (grace 2 s)`)
})

test('a read that settles after its grace ran out is dropped, whether it returns or fails', async (t) => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown): void => { unhandled.push(e) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.off('unhandledRejection', onUnhandled) })
  const late = await stopDuringSecondRead({ lateMs: 2_600 })
  const failed = await stopDuringSecondRead({ lateMs: 2_600, fails: true })
  await new Promise((resolve) => setTimeout(resolve, 1_000)) // both reads have settled by now
  for (const r of [late, failed]) {
    t.is(r.status, 'stopped')
    t.deepEqual(r.out, [0, 1, 2])
  }
  t.deepEqual(unhandled, [])
})

test('on a worker thread: a read within the grace is delivered, a read that never returns is abandoned after it', async (t) => {
  const late = await stopDuringSecondRead({ lateMs: 300 }, 1)
  t.is(late.status, 'stopped')
  t.deepEqual(late.out, [0, 1, 2, 3, 4])
  const never = await stopDuringSecondRead({}, 1)
  t.is(never.status, 'stopped')
  t.deepEqual(never.out, [0, 1, 2])
  t.true(never.stopMs >= 1_900 && never.stopMs < 5_000, `stopped after ${never.stopMs.toFixed(0)} ms (grace 2 s)`)
})
