// A checkpoint must not deadlock a source whose splits run at different speeds. Sequence-merging
// receivers take split batches in sequence order, so a fast split runs ahead until its channel
// credit is spent and waits in a send. The coordinator used to pause every split at a read
// boundary: the slow split paused, the fast one never reached a boundary (its send waited for
// the slow split's batch), the checkpoint never finished and the job stalled for good — with a
// graceful stop queued behind it. The oracle is a plain loop over the same records.
import test from 'ava'
import { pipeline, sinks, stores, type Source } from '../../../index.ts'

const CHUNKS = 160
const PER_CHUNK = 50

/**
 * Splittable: split i of n reads chunks i, i + n, …; split 0 is slow (10 ms of CPU per read,
 * so after each read its instance yields the event loop — where a checkpoint's pause finds it
 * between two reads while split 1 waits in a send).
 */
function unevenSplits(): Source<{ id: number; key: string }> {
  return {
    kind: 'source', description: 'uneven splits', bounded: true, splittable: true,
    open(ctx) {
      let next = ctx.split.index
      return {
        read() {
          if (next >= CHUNKS) return undefined
          const chunk = next
          next += ctx.split.count
          if (ctx.split.index === 0) for (const until = performance.now() + 10; performance.now() < until;) { /* busy */ }
          return Array.from({ length: PER_CHUNK }, (_, k) => ({ id: chunk * PER_CHUNK + k, key: `k${(chunk * PER_CHUNK + k) % 7}` }))
        },
        position: () => next,
      }
    },
  }
}

/** Runs the job once: the summary, or 'stalled' (with its checkpoint figures) when it made no end in 15 s. */
async function runOnce(round: number) {
  const p = pipeline(`stall-uneven-splits-${round}`)
  p.source('src', unevenSplits(), { parallelism: 2 })
    .keyBy((r) => r.key)
    .reduce('ids', (acc: number[], r: { id: number }) => { acc.push(r.id); return acc }, () => [])
    .sink('out', sinks.collect())
  // Checkpoints every 5 ms and one batch of credit per channel: many pauses, each a chance to
  // find split 0 between two reads while split 1 waits in a send.
  const job = p.run({ store: stores.memory(), checkpointInterval: 5, channelCapacity: 1 })
  const watchdog = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 15_000).unref())
  const outcome = await Promise.race([job.done, watchdog])
  return outcome === 'stalled' ? { stalled: JSON.stringify(job.metrics().checkpoints) } : { summary: outcome }
}

test('checkpoints while one split runs ahead of the other: the job finishes with every record, in order per key', async (t) => {
  t.timeout(60_000)
  // Oracle: per key, the ids in file (chunk) order.
  const expected = new Map<string, number>()
  for (let id = 0; id < CHUNKS * PER_CHUNK; id++) expected.set(`k${id % 7}`, (expected.get(`k${id % 7}`) ?? 0) + 1)
  // The deadlock needed the pause to land at one moment; three runs made it show on 5a5b78f in every try.
  for (let round = 0; round < 3; round++) {
    const { stalled, summary } = await runOnce(round)
    if (stalled !== undefined) {
      t.fail(`run ${round} stalled; checkpoints: ${stalled}`)
      return
    }
    const last = new Map<string, number[]>()
    for (const { key, value } of summary!.results.out as Array<{ key: string; value: number[] }>) last.set(key, value)
    for (const [key, n] of expected) {
      const ids = last.get(key)!
      t.is(ids.length, n, `run ${round}, key ${key}`)
      t.deepEqual(ids, [...ids].sort((a, b) => a - b), `run ${round}, key ${key} in order`)
    }
    t.true(summary!.checkpoints!.completed >= 1, JSON.stringify(summary!.checkpoints))
  }
})
