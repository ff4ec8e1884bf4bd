import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { checkpoints, InvalidOptionError, pipeline, sinks, sources, stores, type Job } from '../../index.ts'
import build from '../fixtures/broker-pipeline.ts'
import { appendRedis, deleteRedis, events, readRedis, REDIS, sortRows, suffix, windowsOf, type Event, type WindowRow } from '../fixtures/broker-records.ts'
import { startRedis } from '../fixtures/broker-servers.ts'

/** A fresh key prefix; every key under it is deleted after the test. */
function keys(t: { teardown(f: () => Promise<void>): void }, url = REDIS): (what: string) => string {
  const prefix = `oxiflow-rs-${suffix()}`
  const used: string[] = []
  t.teardown(() => deleteRedis(used.flatMap((k) => [k, `${k}:oxiflow-written`]), url))
  return (what) => { const k = `${prefix}:${what}`; used.push(k); return k }
}

async function untilOut(job: Job, step: string, n: number): Promise<void> {
  while ((job.metrics().steps[step]?.recordsOut ?? 0) < n) {
    if (job.metrics().status === 'failed') await job.done // throws the job's error
    await sleep(10)
  }
}

function copyJob(id: string, key: string, opts: { stopAtEnd: boolean }) {
  return pipeline(id)
    .source('in', sources.redisStream<Event>({ url: REDIS, key, stopAtEnd: opts.stopAtEnd }))
    .mapAsync('pace', async (e) => { if (e.id % 10 === 0) await sleep(1); return e })
    .sink('out', sinks.collect())
}

test('reads the stream in id order and, with stopAtEnd, ends at its last entry; an absent key ends at once', async (t) => {
  const key = keys(t)
  await appendRedis(key('in'), events(0, 2500))
  const summary = await pipeline(`rs-read-${suffix()}`).source('in', sources.redisStream<Event>({ url: REDIS, key: key('in'), stopAtEnd: true }))
    .sink('out', sinks.collect()).run().done
  t.deepEqual((summary.results.out as Event[]).map((e) => e.id), events(0, 2500).map((e) => e.id))
  const none = await pipeline(`rs-none-${suffix()}`).source('in', sources.redisStream({ url: REDIS, key: key('absent'), stopAtEnd: true }))
    .sink('out', sinks.collect()).run().done
  t.deepEqual(none.results.out, [])
})

test('restore resumes after the checkpointed entry id and stops at the end fixed by the first start, though the stream grew', async (t) => {
  const key = keys(t)
  await appendRedis(key('in'), events(0, 1000))
  const store = stores.memory()
  const id = `rs-restore-${suffix()}`
  const first = copyJob(id, key('in'), { stopAtEnd: true }).run({ store, batchSize: 50 })
  await untilOut(first, 'in', 200)
  const part1 = (await first.stop()).results.out as Event[]
  t.true(part1.length >= 200 && part1.length < 1000, `stopped mid-stream (after ${part1.length})`)
  const redis = new Redis(REDIS)
  const ids = ((await redis.xrange(key('in'), '-', '+')) as [string, string[]][]).map(([i]) => i)
  redis.disconnect()
  const [latest] = await checkpoints(store, id).list() // newest first
  t.deepEqual(await checkpoints(store, id).read(latest.id, 'in'), { 'in/position': { after: ids[part1.length - 1], end: ids[999] } })
  await appendRedis(key('in'), events(1000, 500))
  const part2 = (await copyJob(id, key('in'), { stopAtEnd: true }).run({ store, restore: 'latest', batchSize: 50 }).done).results.out as Event[]
  t.deepEqual([...part1, ...part2].map((e) => e.id), events(0, 1000).map((e) => e.id))
})

test('unbounded: runs until stopped, and a restore continues with the entries appended meanwhile', async (t) => {
  const key = keys(t)
  await appendRedis(key('in'), events(0, 500))
  const store = stores.memory()
  const id = `rs-unbounded-${suffix()}`
  const first = copyJob(id, key('in'), { stopAtEnd: false }).run({ store })
  await untilOut(first, 'pace', 500)
  const part1 = (await first.stop()).results.out as Event[]
  await appendRedis(key('in'), events(500, 300))
  const second = copyJob(id, key('in'), { stopAtEnd: false }).run({ store, restore: 'latest' })
  await untilOut(second, 'pace', 300)
  await sleep(200) // would show an entry read twice
  const part2 = (await second.stop()).results.out as Event[]
  t.deepEqual([...part1, ...part2].map((e) => e.id), events(0, 800).map((e) => e.id))
})

test("an entry without the field or with a payload that is not JSON follows the source's onError", async (t) => {
  const key = keys(t)
  const redis = new Redis(REDIS)
  await redis.xadd(key('in'), '*', 'data', '{"a":1}')
  await redis.xadd(key('in'), '*', 'other', '{"a":2}')
  await redis.xadd(key('in'), '*', 'data', '{oops')
  const bad = await redis.xadd(key('in'), '*', 'x', 'data') // a value equal to the field name is not the field
  await redis.xadd(key('in'), '*', 'data', '{"a":5}')
  redis.disconnect()
  const src = () => sources.redisStream({ url: REDIS, key: key('in'), stopAtEnd: true })
  const summary = await pipeline(`rs-bad-${suffix()}`).source('in', src(), { onError: 'skip' }).sink('out', sinks.collect()).run().done
  t.deepEqual(summary.results.out, [{ a: 1 }, { a: 5 }])
  t.is(summary.steps.in.failed, 3)
  const e = await t.throwsAsync(pipeline(`rs-bad-${suffix()}`).source('in', src()).sink('out', sinks.collect()).run().done)
  t.regex(e!.message, new RegExp(`step 'in' failed at redis stream ${key('in')} id \\d+-\\d+: the entry has no field 'data' \\(fields: other\\)`))
  t.truthy(bad)
})

test('a restore of a checkpoint older than one that committed publishes again from it under a new run: every record at least once, none dropped as a duplicate of another', async (t) => {
  // (A replay of the newest checkpoint's ordinals is dropped by the high-water mark: redis-stream-crash.test.ts.)
  const key = keys(t)
  const store = stores.memory()
  const id = `rs-hwm-${suffix()}`
  const job = () => pipeline(id).source('in', sources.iterable(events(0, 300)))
    .mapAsync('pace', async (e) => { await sleep(1); return e })
    .sink('out', sinks.redisStream({ url: REDIS, key: key('out') }))
  const first = job().run({ store, batchSize: 10 })
  await untilOut(first, 'pace', 100)
  const { id: checkpointId } = await first.checkpoint()
  await first.done
  // The first run's end checkpoint committed after it: the replay from the mid-run one (whose
  // staged records its own commit published, none before) publishes all 300 again, once more each.
  const again = await job().run({ store, restore: checkpointId, batchSize: 10 }).done
  t.regex(again.restore!.message, /had committed after it: sinks that cannot take back what they published/)
  t.is((again.results.out as { appended: number }).appended, 300)
  t.deepEqual((await readRedis<Event>(key('out'))).map((e) => e.id).sort((a, b) => a - b), events(0, 300).flatMap((e) => [e.id, e.id]))
})

const badOptions: [string, () => unknown, string][] = [
  ['url', () => sources.redisStream({ url: 'http://x', key: 'k' }), 'redisStream source: options.url must be a redis:// URL, e.g. "redis://127.0.0.1:6379" (got "http://x")'],
  ['key', () => sources.redisStream({ url: REDIS, key: '' }), 'redisStream source: options.key must be a non-empty string without spaces (got "")'],
  ['decode', () => sources.redisStream({ url: REDIS, key: 'k', decode: 1 as never }), 'redisStream source: options.decode must be a function (got 1)'],
  ['sink key', () => sinks.redisStream({ url: REDIS, key: 'a b' }), 'redisStream sink: options.key must be a non-empty string without spaces (got "a b")'],
]
for (const [option, make, message] of badOptions) {
  test(`bad option ${option}: InvalidOptionError with the rule`, (t) => {
    const e = t.throws(make, { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}

test.serial('Redis stopped and restarted mid-run: the job waits for it and the output is exactly-once', async (t) => {
  t.timeout(120_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-redis-'))
  const server = await startRedis(dir)
  t.teardown(async () => { await server.stop(); await rm(dir, { recursive: true, force: true }) })
  const url = `redis://127.0.0.1:${server.port}`
  const input = events(0, 4000)
  await appendRedis('in', input, url)
  const job = build({ id: `rs-outage-${suffix()}`, from: 'redis', to: 'redis', url, input: 'in', copies: 'copies', windows: 'windows', slowEvery: 20 })
    .run({ store: stores.memory(), checkpointInterval: 50, batchSize: 100 })
  await untilOut(job, 'in', 1000)
  await server.stop()
  await sleep(1000)
  await server.start()
  const summary = await job.done
  t.is(summary.status, 'completed')
  t.deepEqual((await readRedis<Event>('copies', url)).map((c) => c.id), input.map((e) => e.id), 'every event copied once, in order')
  t.deepEqual(sortRows(await readRedis<WindowRow>('windows', url)), windowsOf(input))
})
