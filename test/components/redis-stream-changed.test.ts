// A Redis stream changed under a checkpoint or under a bounded read: trimmed past the
// checkpointed id, deleted, or deleted and created again, a restore is refused
// (SourceStreamChangedError naming step, key, id and what was removed) before any record flows,
// and a bounded read whose key is deleted mid-run fails instead of waiting for ever. Entries
// XDEL'd one by one, or trimmed only below the position, are no change: the restore reads the rest.
import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { isSourceStreamChangedError, pipeline, sinks, sources, stores, type Job, type StateStore } from '../../index.ts'
import { appendRedis, deleteRedis, events, REDIS, suffix, type Event } from '../fixtures/broker-records.ts'

function copyJob(id: string, key: string) {
  return pipeline(id)
    .source('in', sources.redisStream<Event>({ url: REDIS, key, stopAtEnd: true }))
    .mapAsync('pace', async (e) => { if (e.id % 10 === 0) await sleep(1); return e })
    .sink('out', sinks.collect())
}

async function untilOut(job: Job, step: string, n: number): Promise<void> {
  while ((job.metrics().steps[step]?.recordsOut ?? 0) < n) {
    if (job.metrics().status === 'failed') await job.done
    await sleep(10)
  }
}

/** A stream of 1000 entries read up to ≥ 200 by a stopped job: its store, id and the entry ids. */
async function stoppedMidStream(t: { teardown(f: () => Promise<void>): void }) {
  const key = `oxiflow-rs-changed-${suffix()}`
  t.teardown(() => deleteRedis([key]))
  await appendRedis(key, events(0, 1000))
  const redis = new Redis(REDIS)
  t.teardown(async () => { redis.disconnect() })
  const ids = ((await redis.xrange(key, '-', '+')) as [string, string[]][]).map(([i]) => i)
  const store: StateStore = stores.memory()
  const id = `rs-changed-${suffix()}`
  const first = copyJob(id, key).run({ store, batchSize: 50 })
  await untilOut(first, 'in', 200)
  const read = ((await first.stop()).results.out as Event[]).length
  return { key, redis, ids, store, id, read, restore: () => copyJob(id, key).run({ store, restore: 'latest', batchSize: 50 }).done }
}

const refusals = [
  ['trimmed past the checkpointed id', 'trimmed', (r: Redis, key: string) => r.xtrim(key, 'MAXLEN', 100),
    /entry \d+-\d+ and the 900 entries before it were removed \(XTRIM, or XADD with MAXLEN\/MINID\): the stream now starts at \d+-\d+, and Redis keeps no record of whether entries after it went too/],
  ['deleted', 'deleted', (r: Redis, key: string) => r.del(key), /the key was deleted: the entries after \d+-\d+ up to \d+-\d+ can no longer be read/],
  ['deleted and created again', 'recreated', async (r: Redis, key: string) => { await r.del(key); await r.xadd(key, '*', 'data', '{"id":-1}') },
    /the key holds another stream \(deleted and created again\?\): its last generated id is \d+-\d+, and it never held entry \d+-\d+/],
] as const
for (const [change, reason, make, detail] of refusals) {
  test(`restore_of_a_stream_${reason}: refused before any record flows, naming step, key, id and what to do`, async (t) => {
    t.timeout(30_000)
    const s = await stoppedMidStream(t)
    await make(s.redis, s.key)
    const e = await t.throwsAsync(s.restore())
    t.true(isSourceStreamChangedError(e), `${change}: ${String(e)}`)
    if (!isSourceStreamChangedError(e)) return
    t.like(e, { step: 'in', stream: s.key, position: s.ids[s.read - 1], reason, code: 'ERR_SOURCE_INPUT_CHANGED' })
    t.true(e.message.startsWith(`step 'in' (redisStream source): stream '${s.key}' at redis://127.0.0.1:6379 changed since the checkpoint ` +
      `(restored position: after entry ${s.ids[s.read - 1]}, end ${s.ids[999]}): `), e.message)
    t.regex(e.message, detail)
    t.regex(e.message, /so resuming would silently skip entries the checkpoint had not read; .*start the job without restore/)
  })
}

test('restore_after_xdel_or_trim_below_the_position: not refused, reads every entry left after it once', async (t) => {
  t.timeout(30_000)
  const s = await stoppedMidStream(t)
  await s.redis.xtrim(s.key, 'MAXLEN', 1000 - s.read + 5) // below the position only
  const gone = s.ids[s.read + 10]
  await s.redis.xdel(s.key, gone) // one entry after it: an uninterrupted run could have missed it as well
  const rest = (await s.restore()).results.out as Event[]
  t.deepEqual(rest.map((e) => e.id), events(s.read, 1000 - s.read).map((e) => e.id).filter((id) => id !== s.read + 10))
})

test('a bounded read whose key is deleted mid-run fails with SourceStreamChangedError instead of waiting for ever', async (t) => {
  t.timeout(30_000)
  const key = `oxiflow-rs-deleted-${suffix()}`
  t.teardown(() => deleteRedis([key]))
  await appendRedis(key, events(0, 3000))
  const job = pipeline(`rs-deleted-${suffix()}`)
    .source('in', sources.redisStream<Event>({ url: REDIS, key, stopAtEnd: true }))
    .mapAsync('pace', async (e) => { if (e.id % 5 === 0) await sleep(1); return e }, { concurrency: 1 })
    .sink('out', sinks.collect())
    .run({ batchSize: 50, stallTimeout: 0 })
  await untilOut(job, 'in', 200)
  await deleteRedis([key])
  const started = Date.now()
  const e = await t.throwsAsync(job.done)
  t.true(Date.now() - started < 5_000, 'at once')
  t.true(isSourceStreamChangedError(e), String(e))
  t.like(e, { step: 'in', stream: key, reason: 'deleted' })
  t.regex(e!.message, new RegExp(`^step 'in' \\(redisStream source\\): stream '${key}' at redis:\\/\\/127\\.0\\.0\\.1:6379 changed while it was read ` +
    `\\(last entry read \\d+-\\d+, end recorded at the first start \\d+-\\d+\\): the key was deleted: .*recreate the stream and run the job again without restore`))
})

/** An unbounded job reading `key` in batches of 50, paced by `pace` per record. */
function unboundedJob(key: string, pace: (e: Event) => Promise<void>) {
  return pipeline(`rs-run-${suffix()}`)
    .source('in', sources.redisStream<Event>({ url: REDIS, key }))
    .mapAsync('pace', async (e) => { await pace(e); return e }, { concurrency: 1 })
    .sink('out', sinks.collect())
    .run({ batchSize: 50, stallTimeout: 0 })
}

test('an unbounded read that falls behind a capped stream fails with SourceStreamChangedError instead of skipping the trimmed entries', async (t) => {
  t.timeout(30_000)
  const key = `oxiflow-rs-capped-${suffix()}`
  t.teardown(() => deleteRedis([key]))
  await appendRedis(key, events(0, 1000))
  let gate: Promise<void> | undefined
  let open!: () => void
  const job = unboundedJob(key, async (e) => { if (e.id === 300) { gate = new Promise((r) => { open = r }); await gate } })
  while (gate === undefined) { if (job.metrics().status === 'failed') await job.done; await sleep(10) }
  const redis = new Redis(REDIS)
  t.teardown(async () => { redis.disconnect() })
  // The source holds entries up to about 300 + credits; a producer capping the stream at 100 trims past them.
  for (const e of events(1000, 200)) await redis.xadd(key, 'MAXLEN', 100, '*', 'data', JSON.stringify(e))
  open()
  const e = await t.throwsAsync(job.done)
  t.true(isSourceStreamChangedError(e), String(e))
  t.like(e, { step: 'in', stream: key, reason: 'trimmed' })
  t.regex(e!.message, new RegExp(`^step 'in' \\(redisStream source\\): stream '${key}' at redis:\\/\\/127\\.0\\.0\\.1:6379 changed while it was read ` +
    `\\(last entry read \\d+-\\d+\\): entry \\d+-\\d+ and the 1100 entries before it were removed .*they were never read: a stream capped with MAXLEN or MINID ` +
    'must keep what the job has not read yet .*start the job without restore'))
})

test('an unbounded read that keeps up with a capped stream, or whose last entry is XDEL\'d, reads every entry once and goes on', async (t) => {
  t.timeout(30_000)
  const key = `oxiflow-rs-kept-up-${suffix()}`
  t.teardown(() => deleteRedis([key]))
  const redis = new Redis(REDIS)
  t.teardown(async () => { redis.disconnect() })
  const job = unboundedJob(key, async () => {})
  const read = () => job.metrics().steps.in?.recordsOut ?? 0
  // Capped at 150, 100 entries at a time, each chunk only once the job read the one before: the
  // trims only ever remove entries read already.
  for (let chunk = 0; chunk < 20; chunk++) {
    for (const e of events(chunk * 100, 100)) await redis.xadd(key, 'MAXLEN', 150, '*', 'data', JSON.stringify(e))
    while (read() < (chunk + 1) * 100) { if (job.metrics().status !== 'running') break; await sleep(5) }
    if (chunk === 10) await redis.xdel(key, ((await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][])[0][0])
  }
  await sleep(300) // idle reads with the last entry read gone
  t.is(job.metrics().status, 'running')
  const out = (await job.stop()).results.out as Event[]
  t.deepEqual(out.map((e) => e.id), events(0, 2000).map((e) => e.id))
})
