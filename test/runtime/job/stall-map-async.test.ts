// A mapAsync whose call for one record never settles is a stall: the job fails with a StallError
// naming the step (onStall 'fail'). The map is fused into its source's chain, so the batch it
// holds sits in the source's send, in no mailbox; the detector saw no queued work and never
// reported it, while the same hang in a `.process` step (its own actor) was reported in ~1 s.
import test from 'ava'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isStallError, type StallError } from '../../../runtime/job/stall-error.ts'
import build from '../../fixtures/stall/stuck-map-async.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/stall/stuck-map-async.ts')).href

for (const workers of [0, 2]) {
  test.serial(`${workers} worker(s): a mapAsync that never settles fails the job with a StallError naming the step`, async (t) => {
    t.timeout(60_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-stall-map-async-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const path = join(dir, 'records.jsonl')
    await writeFile(path, Array.from({ length: 5_000 }, (_, id) => JSON.stringify({ id }) + '\n').join(''))
    const params = { path, stuckAt: 2_000 }
    const started = Date.now()
    const job = build(params).run({ ...(workers > 0 && { workers, module, params }), stallTimeout: 1_000, onStall: 'fail' })
    // A job the detector misses never ends: fail with what metrics say rather than at ava's timeout.
    const outcome = await Promise.race([job.done.then((s) => s, (e: unknown) => e),
      new Promise<string>((resolve) => setTimeout(() => resolve(`no end after 20 s; stall: ${JSON.stringify(job.metrics().stall)}`), 20_000).unref())])
    t.true(isStallError(outcome), `done gave ${outcome instanceof Error ? outcome.stack : JSON.stringify(outcome)}`)
    const e = outcome as StallError
    t.is(e.during, 'run')
    t.true(Date.now() - started < 15_000, `failed after ${Date.now() - started} ms`)
    // On workers the file is read in two splits, each fused with its mapAsync; one of them holds the stuck record.
    t.true(e.waits.some((w) => /^lines → call( → out)?$/.test(w.step) && /^sending batch \d+ for \d+\.\d s \(.*mapAsync/.test(w.waiting ?? '')), JSON.stringify(e.waits))
    t.regex(e.message, /stalled .*step 'lines → call( → out)?' #\d: 0 message\(s\) queued, sending batch \d+ for \d+\.\d s/)
    // The step of the chain that has not settled, by name (found from outside: the report named only the chain).
    t.regex(e.message, /step 'lines → call( → out)?' #\d: [^;]*; step 'call' \(its async function\) has not settled for \d+\.\d s/)
  })
}
