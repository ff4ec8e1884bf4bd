// A stop asked for after the input ran out, while the job waits for a checkpoint in flight before
// its end's checkpoint. Found from outside (the incremental-restore property test on workers, CI):
// the stop's checkpoint was queued behind the one in flight, the job then skipped its end's
// checkpoint (it was stopping) and closed its hosts while the stop's checkpoint still ran; the
// job ended 'stopped' naming the checkpoint before as its last, and the stop's committed after
// job.done — or never. A restore started in between replayed the end: every key's last counts
// twice. Now a stop after the input ran out takes no checkpoint of its own: the job completes
// with its end's checkpoint, and nothing commits after job.done.
import test from 'ava'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { checkpoints, pipeline, sinks, sources } from '../../../index.ts'
import build, { oracle, type Params } from '../../fixtures/incremental/keyed-counts.ts'
import { slowStore } from '../../fixtures/slow-store.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/incremental/keyed-counts.ts')).href

for (const workers of [0, 2]) {
  test(`on ${workers === 0 ? 'no workers (inline)' : `${workers} workers`}: a stop after the input ran out, with a checkpoint in flight, completes with the end's checkpoint and a restore adds nothing`, async (t) => {
    t.timeout(120_000)
    // 8000 records at 20,000/s: the input runs out after ~0.4 s (after 0.1 s it had, on a starved
    // machine, before the first checkpoint was asked for); each store write takes 1 s.
    const params: Params = { seed: 5, count: 8000, keys: 200, rate: 20_000 }
    const store = slowStore('put', 1_000)
    const options = { store, checkpointTimeout: 30_000, ...(workers > 0 && { workers, module, params }) }
    const job = build(params).run(options)
    while (job.metrics().status === 'starting') await sleep(1)
    const inFlight = job.checkpoint()
    // Every record reached the sink: the input ran out while the checkpoint still writes.
    while ((job.metrics().steps.out?.recordsIn ?? 0) < params.count) await sleep(5)
    // The end reaches every instance a moment after the last record (the checkpoint writes ≥ 2 s).
    await sleep(500)
    t.is(job.metrics().status, 'running', 'the job still waits for the checkpoint in flight')
    const summary = await job.stop()
    t.log(`${summary.status}; checkpoints ${JSON.stringify({ ...summary.checkpoints, last: summary.checkpoints?.last?.id })}`)
    const taken = await inFlight
    t.is(summary.status, 'completed', 'the input had run out: the job completed')
    const last = summary.checkpoints!.last!.id
    t.true(last > taken.id, `the end's checkpoint (${last}) came after the one in flight (${taken.id})`)
    const newest = async (): Promise<number | undefined> => (await checkpoints(store, 'incremental').list()).find((c) => c.ok)?.id
    t.is(await newest(), last, "the summary's last checkpoint is the newest in the store")
    await sleep(1_500)
    t.is(await newest(), last, 'no checkpoint commits after job.done')

    const again = await build(params).run({ ...options, restore: 'latest' }).done
    t.is(again.restore?.checkpointId, last)
    t.deepEqual(again.results.out, [], 'nothing left to emit')
    const records = await recordsOf(params)
    t.deepEqual(perKey(summary.results.out as Out[]), perKey(oracle(records)), 'the first run emitted every count once')
  })
}

async function recordsOf(p: Params): Promise<Array<{ key: string; value: number }>> {
  const q = pipeline('records')
  q.source('gen', sources.generator({ seed: p.seed, count: p.count, keys: p.keys })).sink('out', sinks.collect())
  return (await q.run().done).results.out as Array<{ key: string; value: number }>
}

type Out = { key: string; n: number }

function perKey(out: readonly Out[]): Record<string, number[]> {
  const by: Record<string, number[]> = {}
  for (const o of out) (by[o.key] ??= []).push(o.n)
  return by
}
