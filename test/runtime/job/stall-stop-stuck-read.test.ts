// A graceful stop of a job whose bounded source is stuck in a read fails the job with a
// StallError within about stopTimeout, naming what it waits for. Two ways it used to go wrong:
// below the source's 2 s stop grace the error came stopTimeout + 5 s after stop() (the failed
// hosts' close waited its whole 5 s grace for the reader, whose close waits for the stuck read);
// from 2 s on, the grace abandoned the read, the run ended, and the job's end waited for that
// same close forever — the stop's limit only raced the run, so `done` never settled.
import test from 'ava'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Job } from '../../../index.ts'
import { isStallError, type StallError } from '../../../runtime/job/stall-error.ts'
import build from '../../fixtures/stall/stuck-read.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/stall/stuck-read.ts')).href

/** Resolves once the source has sent its first records: its next read is the one that hangs. */
async function readSome(job: Job, records: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (job.metrics().steps.out.recordsIn >= records) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`the source sent ${job.metrics().steps.out.recordsIn} of ${records} records in 30 s`)
}

for (const workers of [0, 2]) {
  for (const stopTimeout of [1_000, 3_000]) {
    test.serial(`${workers} worker(s), stopTimeout ${stopTimeout}: a stop while a read hangs fails within the limit, naming what it waits for`, async (t) => {
      t.timeout(60_000)
      const params = { okRecords: 20 }
      // The stall detector stays out of the way (onStall warn, a long timeout): the stop's limit is under test.
      const job = build(params).run({ ...(workers > 0 && { workers, module, params }), batchSize: 10, stallTimeout: 60_000, onStall: 'warn', stopTimeout })
      await readSome(job, params.okRecords)
      const stopped = Date.now()
      // A stuck `done` fails here with a message, not at ava's timeout.
      const outcome = await Promise.race([job.stop().then((s) => s, (e: unknown) => e),
        new Promise<string>((resolve) => setTimeout(() => resolve(`done not settled ${stopTimeout + 10_000} ms after stop()`), stopTimeout + 10_000).unref())])
      const ms = Date.now() - stopped
      t.true(isStallError(outcome), `stop() gave ${outcome instanceof Error ? outcome.stack : JSON.stringify(outcome)} after ${ms} ms`)
      const e = outcome as StallError
      t.is(e.during, 'stop')
      // stopTimeout, a report (≤ 1 s for a host's figures) and the failed hosts' short grace (1 s), with room for a loaded machine.
      t.true(ms >= stopTimeout - 50 && ms < stopTimeout + 2_800, `the stop failed ${ms} ms after stop(), stopTimeout ${stopTimeout}`)
      t.regex(e.message, new RegExp(`graceful stop did not finish within ${stopTimeout} ms \\(stopTimeout\\); it waits for`))
      // Within the source's 2 s grace the read is still pending; after it, the reader's close waits for that read.
      t.regex(e.message, stopTimeout < 2_000
        ? /it waits for: step 'numbers[^']*' #0: 0 message\(s\) queued, reading batch 2 for \d+\.\d s/
        : /it waits for the hosts to close: step 'numbers[^']*' #0: 0 message\(s\) queued, read of batch 2 abandoned by the stop, not returned after \d+\.\d s; closing the reader of source 'numbers' for \d+\.\d s/)
      t.is(job.metrics().status, 'failed')
    })
  }
}
