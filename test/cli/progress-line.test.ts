import test from 'ava'
import { progressLines, startProgress, type ProgressStream } from '../../cli/progress-line.ts'
import type { JobMetrics } from '../../cli/job-shape.ts'

const metrics: JobMetrics = {
  pipelineId: 'clicks',
  status: 'running',
  elapsedMs: 2500,
  steps: {
    events: { kind: 'source', parallelism: 1, recordsIn: 0, recordsOut: 120_000, failed: 0, ratePerSec: 48_000, busyPercent: 40, backpressureMs: 15, queueDepth: 0, alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 } },
    counts: { kind: 'process', parallelism: 1, recordsIn: 119_000, recordsOut: 2_000, failed: 2, ratePerSec: 47_600, busyPercent: 70, backpressureMs: 0, queueDepth: 3, alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 } },
  },
}

function fakeStream(isTTY: boolean): ProgressStream & { text: string } {
  return { isTTY, columns: 200, text: '', write(s: string) { this.text += s; return true } }
}

test('progressLines shows per step its rate, records in/out, backpressure and queue depth', (t) => {
  t.deepEqual(progressLines(metrics), [
    'clicks running 2.50 s',
    '  events  source   48,000 rec/s  in 0        out 120,000  bp 15 ms  queue 0',
    '  counts  process  47,600 rec/s  in 119,000  out 2,000    bp 0 ms   queue 3  failed 2',
  ])
})

test('startProgress draws nothing on a stream that is not a TTY, and notes go through', async (t) => {
  const err = fakeStream(false)
  const p = startProgress(() => metrics, err, undefined, 5)
  await new Promise((r) => setTimeout(r, 30))
  p.note('stopping')
  p.stop()
  t.is(err.text, 'stopping\n')
})

test('startProgress redraws the block in place on a TTY and erases it when stopped', async (t) => {
  const err = fakeStream(true)
  const p = startProgress(() => metrics, err, undefined, 5)
  await new Promise((r) => setTimeout(r, 40))
  p.stop()
  const frame = progressLines(metrics).join('\n') + '\n'
  t.true(err.text.startsWith(frame))
  t.true(err.text.includes(`\x1b[3F\x1b[0J${frame}`), 'a later frame first moves up over the 3 lines drawn')
  t.true(err.text.endsWith('\x1b[3F\x1b[0J'), 'stop erases the block')
})

test('startProgress erases the block before the job writes to a TTY stdout, and draws it again after', async (t) => {
  const err = fakeStream(true)
  const out = fakeStream(true)
  const original = out.write
  const p = startProgress(() => metrics, err, out, 5)
  await new Promise((r) => setTimeout(r, 20))
  const before = err.text
  out.write('result line\n')
  t.true(err.text.slice(before.length).startsWith('\x1b[3F\x1b[0J'))
  await new Promise((r) => setImmediate(r))
  t.true(err.text.endsWith(progressLines(metrics).join('\n') + '\n'))
  p.stop()
  t.is(out.write, original, 'stop restores stdout.write')
  t.is(out.text, 'result line\n')
})

test('a file source shows the percent of its bytes read (floored) and the time left; done, only 100.0 %', (t) => {
  const at = (fraction: number, etaMs?: number): JobMetrics => ({ ...metrics, steps: { events: { ...metrics.steps.events,
    progress: { bytesRead: fraction * 1000, bytesTotal: 1000, fraction, ...(etaMs !== undefined && { etaMs }) } } } })
  t.is(progressLines(at(0.57, 3_200))[1], '  events  source  48,000 rec/s  in 0  out 120,000  bp 15 ms  queue 0  57.0 %  4 s left')
  t.is(progressLines(at(0.9996, 75_000))[1], '  events  source  48,000 rec/s  in 0  out 120,000  bp 15 ms  queue 0  99.9 %  1 min 15 s left')
  t.is(progressLines(at(0.1))[1], '  events  source  48,000 rec/s  in 0  out 120,000  bp 15 ms  queue 0  10.0 %', 'no time left before the byte rate is known')
  t.is(progressLines(at(1, 0))[1], '  events  source  48,000 rec/s  in 0  out 120,000  bp 15 ms  queue 0  100.0 %')
  t.is(progressLines(at(0.5, 7_500_000))[1].split('  ').at(-1), '2 h 5 min left')
})
