// A step that costs 200 µs a record took 205 ms for a batch of 1,024, and held the thread that
// long: everything asynchronous on it got one step per batch, so an inline job with such a step
// never committed a checkpoint into a file store (its writes, its lock, each a turn of the event
// loop) and a graceful stop, queued behind that checkpoint, never finished. Now sources read
// and actors hand on batches in slices of about 8 ms (runtime/host/batch-slices.ts). Oracle for
// the output: the same generator's records, bounded, through the same steps, run at once.
import test from 'ava'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, sinks, sources, type Job } from '../../../index.ts'

const busy = (us: number): void => { const end = performance.now() + us / 1000; while (performance.now() < end); }
const heavy = (r: { key: string; value: number }) => { busy(200); return { key: r.key, value: r.value } }

// A file source returns a chunk of lines whatever a read asks for (~1,300 records of 50 bytes per 64 KiB chunk): the source hands it on in slices.
const lines = join(mkdtempSync(join(tmpdir(), 'oxiflow-busy-in-')), 'in.jsonl')
writeFileSync(lines, Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ key: `k${i % 7}`, value: i, pad: 'x'.repeat(20) })).join('\n') + '\n')
test.after.always(() => rmSync(join(lines, '..'), { recursive: true, force: true }))

const shapes = {
  'a heavy map after a JSONL source (a read returns a whole chunk of lines)': (count?: number) => pipeline('busy-steps')
    .source('in', sources.jsonl<{ key: string; value: number }>(lines)).filter((r) => count === undefined || r.value < count).map(heavy).sink('out', sinks.collect()),
  'a heavy map fused after the source': (count?: number) => pipeline('busy-steps')
    .source('in', sources.generator({ seed: 3, keys: 7, ...(count !== undefined && { count }) })).map(heavy).sink('out', sinks.collect()),
  'a heavy map in an actor of its own (after keyBy)': (count?: number) => pipeline('busy-steps')
    .source('in', sources.generator({ seed: 3, keys: 7, ...(count !== undefined && { count }) })).keyBy((r) => r.key).map(heavy).sink('out', sinks.collect()),
}

async function untilCheckpoints(job: Job, n: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while ((job.metrics().checkpoints?.completed ?? 0) < n) {
    if (Date.now() > deadline) throw new Error(`${job.metrics().checkpoints?.completed ?? 0} of ${n} checkpoints committed in ${ms} ms; steps ${JSON.stringify(job.metrics().steps)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

for (const [what, build] of Object.entries(shapes)) {
  test.serial(`inline, ${what}: periodic checkpoints commit into a file store and a graceful stop finishes; the output is the records read, once, in order`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'oxiflow-busy-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    // Two batches in flight per channel: a barrier waits behind at most 2 × 205 ms of records.
    const job = build().run({ store: dir, checkpointInterval: 100, channelCapacity: 2 })
    await untilCheckpoints(job, 3, 20_000)
    const stopped = Date.now()
    const watchdog = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the stop did not finish in 10 s: ${JSON.stringify(job.metrics().steps)}`)), 10_000).unref())
    const summary = await Promise.race([job.stop(), watchdog])
    t.log(`${summary.checkpoints?.completed} checkpoints; stop took ${Date.now() - stopped} ms`)
    t.is(summary.status, 'stopped')
    const out = summary.results.out as unknown[]
    t.true(out.length > 0)
    t.deepEqual(out, (await build(out.length).run().done).results.out)
  })
}
