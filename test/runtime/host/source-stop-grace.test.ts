// A graceful stop while a source's read is in flight: the read gets its grace (2 s) to return —
// what it returns then goes downstream — and a read that does not return in time is abandoned:
// the job stops without it, and whatever it settles with later is dropped (no failure, no
// unhandled rejection). The oracle is what the reader handed out, read by read.
import test from 'ava'
import { pipeline, sinks, type Source } from '../../../index.ts'

/** A source whose first read returns [0, 1, 2] and whose second read settles only through `second`. */
function twoReads(second: (resolve: (records: number[]) => void, reject: (e: unknown) => void) => void): { source: Source<number>; secondStarted: Promise<void> } {
  let started!: () => void
  const secondStarted = new Promise<void>((resolve) => { started = resolve })
  const source: Source<number> = {
    kind: 'source', description: 'two reads', bounded: false,
    open() {
      let n = 0
      return {
        read: () => {
          if (n++ === 0) return [0, 1, 2]
          started()
          return new Promise<number[]>((resolve, reject) => second(resolve, reject))
        },
        position: () => n,
      }
    },
  }
  return { source, secondStarted }
}

async function stopDuringSecondRead(second: Parameters<typeof twoReads>[0]): Promise<{ status: string; out: number[]; stopMs: number }> {
  const { source, secondStarted } = twoReads(second)
  const job = pipeline('stop-grace').source('in', source).map('same', (x: number) => x).sink('out', sinks.collect()).run()
  await secondStarted
  const t0 = performance.now()
  const watchdog = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the stop did not finish in 10 s: ${JSON.stringify(job.metrics().steps)}`)), 10_000).unref())
  const summary = await Promise.race([job.stop(), watchdog])
  return { status: summary.status, out: summary.results.out as number[], stopMs: performance.now() - t0 }
}

test('a read that returns within the grace: its records go downstream, then the job stops', async (t) => {
  const r = await stopDuringSecondRead((resolve) => setTimeout(() => resolve([3, 4]), 300))
  t.is(r.status, 'stopped')
  t.deepEqual(r.out, [0, 1, 2, 3, 4])
  t.true(r.stopMs >= 250 && r.stopMs < 1_500, `stopped after ${r.stopMs.toFixed(0)} ms`)
})

test('a read that never returns is abandoned after the grace: the job stops with what came before it', async (t) => {
  const r = await stopDuringSecondRead(() => {})
  t.is(r.status, 'stopped')
  t.deepEqual(r.out, [0, 1, 2])
  t.true(r.stopMs >= 1_900 && r.stopMs < 4_000, `stopped after ${r.stopMs.toFixed(0)} ms (grace 2 s)`)
})

test('a read that settles after its grace ran out is dropped, whether it returns or fails', async (t) => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown): void => { unhandled.push(e) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.off('unhandledRejection', onUnhandled) })
  const late = await stopDuringSecondRead((resolve) => setTimeout(() => resolve([3, 4]), 2_600))
  const failed = await stopDuringSecondRead((_, reject) => setTimeout(() => reject(new Error('read failed late')), 2_600))
  await new Promise((resolve) => setTimeout(resolve, 1_000)) // both reads have settled by now
  for (const r of [late, failed]) {
    t.is(r.status, 'stopped')
    t.deepEqual(r.out, [0, 1, 2])
  }
  t.deepEqual(unhandled, [])
})
