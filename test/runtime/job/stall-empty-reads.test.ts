// Reads that come back empty move a job's busy time and send empty batches on, but no record. A
// bounded source spinning so (its input stopped yielding: a JetStream stream deleted under it)
// holds the job forever and is a stall; an unbounded one waiting for input is not (found from outside).
import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline, sinks, type Source } from '../../../index.ts'
import { isStallError, type StallError } from '../../../runtime/job/stall-error.ts'

/** A source that yields `records` and then reads empty batches every 20 ms, forever. */
function spinning(bounded: boolean, records: number): Source<number> {
  return {
    kind: 'source', description: 'spinning', bounded,
    open() {
      let n = 0
      return { read: async () => { await sleep(20); return n < records ? [n++] : [] }, position: () => n }
    },
  }
}

function job(id: string, bounded: boolean) {
  const p = pipeline(id)
  p.source('in', spinning(bounded, 5)).keyBy((x: number) => String(x % 2)).map('double', (x: number) => x * 2).sink('out', sinks.collect())
  return p
}

test('a bounded source whose reads keep coming back empty is a stall: onStall fail fails the job naming the read', async (t) => {
  t.timeout(20_000)
  const started = Date.now()
  const e = await t.throwsAsync(job('stall-empty-bounded', true).run({ stallTimeout: 400, onStall: 'fail' }).done) as StallError
  t.true(isStallError(e), String(e))
  t.is(e.code, 'ERR_STALLED')
  t.true(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`)
  t.regex(e.message, /step 'in[^']*' #0: 0 message\(s\) queued, reading batch \d+/)
})

test('an unbounded source whose reads keep coming back empty is no stall: the job runs until stopped', async (t) => {
  t.timeout(20_000)
  const running = job('stall-empty-unbounded', false).run({ stallTimeout: 300, onStall: 'fail' })
  await sleep(2_000)
  t.is(running.metrics().stall, undefined)
  const summary = await running.stop()
  t.is(summary.status, 'stopped')
  t.deepEqual([...summary.results.out as number[]].sort((a, b) => a - b), [0, 2, 4, 6, 8])
})
