// A Redis key of another type than a stream (WRONGTYPE) is the server's answer, not an outage:
// the source and the sink fail at once with BrokerRefusedError naming the step, the key, what
// it holds and what to do — not a raw ReplyError, nor a minute of retries ending in advice to
// check that the server runs, nor (with a store) an end checkpoint that asks for a restore.
import test from 'ava'
import { Redis } from 'ioredis'
import { isBrokerRefusedError, isEndCheckpointError, pipeline, sinks, sources, stores } from '../../index.ts'
import { deleteRedis, events, REDIS, suffix } from '../fixtures/broker-records.ts'

async function stringKey(t: { teardown(f: () => Promise<void>): void }, what: string): Promise<string> {
  const key = `oxiflow-rs-refused-${what}-${suffix()}`
  t.teardown(() => deleteRedis([key, `${key}:oxiflow-written`]))
  const redis = new Redis(REDIS)
  await redis.set(key, 'hello')
  redis.disconnect()
  return key
}

test('source_key_holding_a_string: BrokerRefusedError naming step, key and its type, at once', async (t) => {
  const key = await stringKey(t, 'source')
  const e = await t.throwsAsync(pipeline(`rs-refused-${suffix()}`).source('in', sources.redisStream({ url: REDIS, key, stopAtEnd: true }))
    .sink('out', sinks.collect()).run().done)
  t.true(isBrokerRefusedError(e), String(e))
  t.like(e, { step: 'in', target: key, reply: 'WRONGTYPE', code: 'ERR_BROKER_REFUSED' })
  t.is(e!.message, `step 'in' (redisStream source): redis at redis://127.0.0.1:6379 refused to read stream '${key}': ` +
    'WRONGTYPE Operation against a key holding the wrong kind of value. This is no outage, waiting or restoring cannot change it: ' +
    `key '${key}' holds a string, not a stream: delete or rename that key, or give the step another key`)
})

test('sink_key_holding_a_string: BrokerRefusedError (the cause of the step\'s error) at once, not retried as an outage', async (t) => {
  t.timeout(30_000)
  const key = await stringKey(t, 'sink')
  const started = Date.now()
  const e = await t.throwsAsync(pipeline(`rs-refused-${suffix()}`).source('in', sources.iterable(events(0, 10)))
    .sink('out', sinks.redisStream({ url: REDIS, key })).run().done)
  t.true(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms (retryForMs is 60 s)`)
  const refused = e?.cause
  t.true(isBrokerRefusedError(refused), String(e))
  t.like(refused, { step: 'out', target: key, reply: 'WRONGTYPE' })
  t.regex((refused as Error).message, new RegExp(`^step 'out' \\(redisStream sink\\): redis at redis://127\\.0\\.0\\.1:6379 refused to append to stream '${key}': ` +
    `WRONGTYPE Operation against a key holding the wrong kind of value.*This is no outage, waiting or restoring cannot change it: ` +
    `key '${key}' holds a string, not a stream: delete or rename that key, or give the step another key$`))
})

test('sink_key_holding_a_string_with_a_store: the end checkpoint is not retried and says to fix the key before the restore', async (t) => {
  t.timeout(30_000)
  const key = await stringKey(t, 'sink-store')
  const started = Date.now()
  const e = await t.throwsAsync(pipeline(`rs-refused-${suffix()}`).source('in', sources.iterable(events(0, 10)))
    .sink('out', sinks.redisStream({ url: REDIS, key })).run({ store: stores.memory() }).done)
  t.true(Date.now() - started < 900, `failed after ${Date.now() - started} ms (the end checkpoint's retries wait 1 s and 4 s)`)
  t.true(isEndCheckpointError(e), String(e))
  t.true(isBrokerRefusedError(e?.cause), String(e?.cause))
  t.like(e?.cause, { step: 'out', target: key, reply: 'WRONGTYPE' })
  t.regex(e!.message, /last checkpoint failed 1 time \(step 'out' \(redisStream sink\): .* holds a string, not a stream: .*\): .*Fix what the broker refused, as its error says \(a rerun fails the same way until then\), then, run it again with restore: 'latest'/)
})
