// A Redis blob whose chunks are gone, or whose head another program overwrote, is a damaged blob
// of its checkpoint — verify reports it, `restore: 'latest'` skips that checkpoint, `state export`
// leaves it out — not a store outage: before, every one of these failed with
// StoreUnavailableError and the intact older checkpoints could be neither restored nor exported
// (found from outside).
import test from 'ava'
import { Redis } from 'ioredis'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { exportPipelineState } from '../../persistence/run-state/state-bundle.ts'
import { RedisStore } from '../../persistence/stores/redis-store.ts'
import { isDamagedBlobError } from '../../index.ts'
import { REDIS_URL, dropRedisPrefix, uniqueName } from '../fixtures/store-servers.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'

/** Checkpoints 1 and 2 of pipeline 'p' in a Redis store of 1 KiB chunks, each with a blob of many chunks. */
async function twoChunked(t: { teardown(f: () => Promise<void>): void; is(a: unknown, b: unknown, m?: string): void }) {
  const prefix = uniqueName('damaged')
  const store = new RedisStore(REDIS_URL, { prefix, chunkSize: 1024 })
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => { await store.close(); redis.disconnect(); await dropRedisPrefix(prefix) })
  const cs = new PipelineCheckpoints(store, 'p')
  const holders = [{ stateId: 'agg/sum', state: new Map(Array.from({ length: 2000 }, (_, i) => [`key-${i}`, i * 7919])) }]
  await writeCheckpoint(cs, holders, { codec: 'none' })
  const second = await writeCheckpoint(cs, holders, { codec: 'none' })
  const blob = second.holders[0]!.blob
  const head = (await redis.getBuffer(`${prefix}:b:${blob}`))!
  t.is(head[0], 1, 'the blob is chunked')
  const { id } = JSON.parse(head.subarray(1).toString('utf8')) as { id: string }
  return { store, cs, redis, prefix, blob, chunk: (i: number) => `${prefix}:c:${id}:${i}` }
}

const damages = [
  ['a chunk deleted', (s: Awaited<ReturnType<typeof twoChunked>>) => s.redis.del(s.chunk(2)), /damaged in the store: its \d+ chunks '.+' are not all there/],
  ['the head overwritten', (s: Awaited<ReturnType<typeof twoChunked>>) => s.redis.set(`${s.prefix}:b:${s.blob}`, 'garbage'),
    /damaged in the store: Redis key '.+' does not hold a blob head oxiflow writes/],
] as const

for (const [damage, make, problem] of damages) {
  test(`a Redis blob with ${damage}: verify reports it, latest skips its checkpoint, export leaves it out, a read names it`, async (t) => {
    t.timeout(30_000)
    const s = await twoChunked(t)
    await make(s)
    const report = await s.cs.verify(2)
    t.false(report.ok)
    t.regex(report.problems[0]?.problem ?? '', problem)
    t.true((await s.cs.verify(1)).ok)
    const latest = await s.cs.latestValid()
    t.is(latest.checkpoint?.checkpointId, 1)
    t.deepEqual(latest.skipped.map((x) => x.id), [2])
    t.regex(latest.skipped[0]!.reason, problem)
    const bundle = await exportPipelineState(s.store, 'p')
    t.false(bundle.checkpoints.some((c) => s.blob.endsWith(c.key)), 'the damaged blob is left out')
    t.true(bundle.checkpoints.some((c) => c.key.startsWith('0000000001/')), 'checkpoint 1 is exported')
    const e = await t.throwsAsync(s.cs.readState(2, 'agg'))
    t.true(isDamagedBlobError(e), String(e))
    t.like(e, { code: 'ERR_DAMAGED_BLOB', key: s.blob })
  })
}
