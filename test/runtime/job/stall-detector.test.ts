// Stall detection: a job with work queued and no step progressing is reported — which step,
// which wait — within its stallTimeout, and with onStall 'fail' it fails with a StallError
// carrying that report instead of hanging. A graceful stop that cannot finish within its
// stopTimeout fails the same way. Waiting on a source's input with nothing queued is no stall.
import test from 'ava'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { pipeline, serveMetrics, sinks, sources, stores, type Source } from '../../../index.ts'
import type { RunError } from '../../../persistence/run-state/run-record.ts'
import { readRunRecord } from '../../../persistence/run-state/run-records.ts'
import { isStallError, type StallError } from '../../../runtime/job/stall-error.ts'
import build from '../../fixtures/stall/stuck-sink.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/stall/stuck-sink.ts')).href

test('onStall fail: a sink whose write never settles fails the job within the timeout, the report names the sink', async (t) => {
  t.timeout(20_000)
  const started = Date.now()
  const e = await t.throwsAsync(build({ records: 50_000 }).run({ stallTimeout: 400, onStall: 'fail' }).done) as StallError
  t.true(isStallError(e), String(e))
  t.is(e.code, 'ERR_STALLED')
  t.is(e.during, 'run')
  t.true(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`)
  const out = e.waits.find((w) => w.step.includes('out'))
  t.truthy(out, JSON.stringify(e.waits))
  t.regex(out!.waiting ?? '', /handling a message for \d+\.\d s .*; step 'out' \(its write\) has not settled for \d+\.\d s/)
  t.regex(e.message, /stalled .*step '[^']*out' #0: \d+ message\(s\) queued, handling a message/)
})

test('onStall warn: metrics show the stall; the graceful stop then times out naming what it waits for', async (t) => {
  t.timeout(20_000)
  const job = build({ records: 50_000 }).run({ stallTimeout: 300, onStall: 'warn', stopTimeout: 800 })
  for (let i = 0; i < 100 && !job.metrics().stall?.active; i++) await new Promise((r) => setTimeout(r, 50))
  const stall = job.metrics().stall
  t.true(stall?.active, JSON.stringify(stall))
  t.is(stall!.count, 1)
  t.true(stall!.waits.some((w) => w.step.includes('out') && w.queued > 0), JSON.stringify(stall!.waits))
  const server = await serveMetrics('stall-stuck-sink', () => job.metrics(), { port: 0 })
  const scraped = await (await fetch(server.url)).text().finally(() => server.close())
  t.regex(scraped, /^oxiflow_job_stalled\{pipeline="stall-stuck-sink"\} 1$/m)
  t.regex(scraped, /^oxiflow_job_stalls_total\{pipeline="stall-stuck-sink"\} 1$/m)
  const started = Date.now()
  const e = await t.throwsAsync(job.stop()) as StallError
  t.true(isStallError(e), String(e))
  t.is(e.during, 'stop')
  t.true(Date.now() - started < 8_000, `the stop failed after ${Date.now() - started} ms`)
  t.regex(e.message, /graceful stop did not finish within 800 ms .*step '[^']*out' #0/)
})

test('on a worker: the keyed step waits for credit toward the stuck sink, and the report says so', async (t) => {
  t.timeout(60_000)
  const params = { records: 100_000 }
  const e = await t.throwsAsync(build(params).run({ workers: 1, module, params, stallTimeout: 1_000, onStall: 'fail' }).done) as StallError
  t.true(isStallError(e), String(e))
  t.regex(e.message, /step '[^']*out' #0/)
  t.regex(e.message, /waiting [\d.]+ s for credit on its channel to 'out' #0/)
})

test('an unbounded source that waits for input with nothing queued is not a stall', async (t) => {
  t.timeout(20_000)
  // Three reads, each 500 ms apart (a broker with little traffic): longer than the stall
  // timeout, but nothing waits in a queue.
  const slow: Source<number> = {
    kind: 'source', description: 'slow', bounded: false,
    open() {
      let n = 0
      return { read: async () => (n >= 3 ? undefined : (await new Promise((r) => setTimeout(r, 500)), [n++])), position: () => n }
    },
  }
  const p = pipeline('stall-slow-source')
  p.source('slow', slow).map('double', (x: number) => x * 2).sink('out', sinks.collect())
  const summary = await p.run({ stallTimeout: 200, onStall: 'fail' }).done
  t.deepEqual(summary.results.out, [0, 2, 4])
})

test('the run record lists the stall (step and report) and, after a stop that timed out, the job as failed', async (t) => {
  t.timeout(20_000)
  const store = stores.memory()
  const job = build({ records: 50_000 }).run({ store, heartbeatInterval: 100, stallTimeout: 300, onStall: 'warn', stopTimeout: 600 })
  let stalled: RunError | undefined
  for (let i = 0; i < 100 && !stalled; i++) {
    await new Promise((r) => setTimeout(r, 50))
    stalled = (await readRunRecord(store, 'stall-stuck-sink'))?.errors.find((e) => e.code === 'ERR_STALLED')
  }
  t.truthy(stalled, 'the stall is on record while the job still runs')
  // Inline the sink is fused into the chain 'tag → out', which cannot tell which of its steps holds the work: no step, the message names the chain.
  t.true(stalled!.step === null || stalled!.step === 'out', `step: ${stalled!.step}`)
  t.regex(stalled!.message, /step '[^']*out' #0: \d+ message\(s\) queued/)
  await t.throwsAsync(job.stop(), { code: 'ERR_STALLED' })
  const record = await readRunRecord(store, 'stall-stuck-sink')
  t.is(record?.status, 'failed')
  t.regex(record!.errors.at(-1)!.message, /graceful stop did not finish within 600 ms/)
  // Oldest first: the stall, at the time it was seen, then the stop's failure.
  const stall = record!.errors.find((e) => e.code === 'ERR_STALLED' && !/graceful stop/.test(e.message))!
  t.true(record!.errors.indexOf(stall) < record!.errors.length - 1)
  t.true(stall.time < record!.errors.at(-1)!.time, `stall at ${stall.time}, stop failure at ${record!.errors.at(-1)!.time}`)
})

test('a stall and the stop it fails reach the record in one write: the stall first, at the time it was seen', async (t) => {
  t.timeout(20_000)
  const store = stores.memory()
  // No heartbeat before the end: the final write is the first to list the stall.
  const job = build({ records: 50_000 }).run({ store, heartbeatInterval: 60_000, stallTimeout: 300, onStall: 'warn', stopTimeout: 600 })
  while (job.metrics().stall === undefined) await new Promise((r) => setTimeout(r, 50))
  const seenAt = Date.now()
  await new Promise((r) => setTimeout(r, 300))
  await t.throwsAsync(job.stop(), { code: 'ERR_STALLED' })
  const errors = (await readRunRecord(store, 'stall-stuck-sink'))!.errors
  t.deepEqual(errors.map((e) => /graceful stop/.test(e.message) ? 'stop' : e.code), ['ERR_STALLED', 'stop'])
  t.true(errors[0]!.time <= seenAt, `the stall is dated ${errors[0]!.time}, seen by ${seenAt}`)
})

test('a source stuck in a read holds a barrier: the report names the barrier, the input it waits for, and the read', async (t) => {
  t.timeout(20_000)
  // B reads one batch, then its second read never settles: A's barrier arrives at the union,
  // B's never does, so A's input is held back (its batches queue) until the stall is reported.
  type Generated = { id: number; key: string; value: number; ts: number }
  const stuck: Source<Generated> = {
    kind: 'source', description: 'stuck', bounded: false,
    open() {
      let n = 0
      return { read: () => (n++ === 0 ? [{ id: -1, key: 'b', value: 0, ts: 0 }] : new Promise<never>(() => {})), position: () => n }
    },
  }
  const p = pipeline('stall-barrier')
  const a = p.source('a', sources.generator({ seed: 1, rate: 20_000 }))
  a.union('both', p.source('b', stuck)).map('id', (x) => x).sink('out', sinks.collect())
  const e = await t.throwsAsync(p.run({ store: stores.memory(), checkpointInterval: 50, stallTimeout: 500, onStall: 'fail', batchSize: 100 }).done) as StallError
  t.true(isStallError(e), String(e))
  t.regex(e.message, /aligning barrier \d+: waiting for input\(s\) 1 to deliver it \(input\(s\) 0 held back\)/)
  t.regex(e.message, /step 'b' #0: 0 message\(s\) queued, reading batch 1 for \d+\.\d s/)
})

test('a bounded source whose read never returns is a stall even with nothing queued (a FIFO, a stuck iterable)', async (t) => {
  t.timeout(20_000)
  async function* hangs() {
    yield 1
    await new Promise<never>(() => {})
  }
  const p = pipeline('stall-bounded-read')
  p.source('numbers', sources.iterable(hangs())).map('double', (x: number) => x * 2).sink('out', sinks.collect())
  // The job's end waits at most 5 s for the reader's close, which waits for the hung read.
  const e = await t.throwsAsync(p.run({ stallTimeout: 400, onStall: 'fail' }).done) as StallError
  t.true(isStallError(e), String(e))
  t.regex(e.message, /step 'numbers → double → out' #0: 0 message\(s\) queued, reading batch 0 for \d+\.\d s/)
})

test('a bounded source whose reads return nothing for stallTimeout is a stall: empty reads are no progress', async (t) => {
  t.timeout(20_000)
  // As a bounded Redis stream read whose key was deleted: every read returns empty after 20 ms.
  const empty: Source<number> = {
    kind: 'source', description: 'empty', bounded: true,
    open() {
      let n = 0
      return { read: async () => (n < 3 ? [n++] : (await new Promise((r) => setTimeout(r, 20)), [])), position: () => n }
    },
  }
  const p = pipeline('stall-empty-reads')
  p.source('empty', empty).map('double', (x: number) => x * 2).sink('out', sinks.collect())
  const e = await t.throwsAsync(p.run({ stallTimeout: 400, onStall: 'fail' }).done) as StallError
  t.true(isStallError(e), String(e))
  t.regex(e.message, /step 'empty → double → out' #0: 0 message\(s\) queued, reading batch \d+ for \d+\.\d s/)
})
