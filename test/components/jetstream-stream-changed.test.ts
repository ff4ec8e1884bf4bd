// A JetStream source's checkpointed position is a stream sequence: a restore is refused when the
// stream no longer holds what followed it (purged, trimmed by its limits, deleted and re-created),
// and a run whose stream is deleted fails instead of waiting forever (found from outside).
import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { BrokerUnavailableError, checkpoints, isSourceStreamChangedError, pipeline, sinks, sources, stores, type Job, type SourceStreamChangedError, type StateStore } from '../../index.ts'
import { createStream, deleteStream, events, NATS, publish, suffix, type Event } from '../fixtures/broker-records.ts'

/** A fresh stream `<name>` capturing `<name>.>` with `count` events on `<name>.in` (stream sequence = id + 1), deleted after the test. */
async function seeded(t: { teardown(f: () => Promise<void>): void }, count: number): Promise<string> {
  const name = `oxiflow-jschg-${suffix()}`
  await createStream(name, [`${name}.>`])
  t.teardown(() => deleteStream(name))
  await publish(`${name}.in`, events(0, count))
  return name
}

async function manage<R>(f: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<R>): Promise<R> {
  const nc = await connect({ servers: NATS })
  try { return await f(await jetstreamManager(nc)) } finally { await nc.close() }
}

function copyJob(id: string, name: string, stopAtEnd = true) {
  return pipeline(id)
    .source('in', sources.jetstream<Event>({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd }))
    .mapAsync('pace', async (e) => { if (e.id % 10 === 0) await sleep(1); return e })
    .sink('out', sinks.collect())
}

async function untilOut(job: Job, step: string, n: number): Promise<void> {
  while ((job.metrics().steps[step]?.recordsOut ?? 0) < n) {
    if (job.metrics().status === 'failed') await job.done
    await sleep(10)
  }
}

/** Runs the copy job until ≥ 200 records went through, stops it (final checkpoint) and returns the next sequence its checkpoint resumes at. */
async function checkpointed(id: string, name: string, store: StateStore): Promise<number> {
  const first = copyJob(id, name).run({ store, batchSize: 50 })
  await untilOut(first, 'in', 200)
  await first.stop()
  const [latest] = await checkpoints(store, id).list()
  return ((await checkpoints(store, id).read(latest.id, 'in'))['in/position'] as { next: number }).next
}

test('stream purged past the checkpointed sequence: the restore is refused with SourceStreamChangedError naming step, stream and both sequences', async (t) => {
  const name = await seeded(t, 1000)
  const store = stores.memory()
  const id = `js-trim-${suffix()}`
  const next = await checkpointed(id, name, store)
  t.true(next > 200 && next < 700, `checkpoint at ${next}`)
  await manage((jsm) => jsm.streams.purge(name, { keep: 300 })) // first sequence now 701
  const e = await t.throwsAsync(copyJob(id, name).run({ store, restore: 'latest' }).done) as SourceStreamChangedError
  t.true(isSourceStreamChangedError(e), String(e))
  t.like(e, { step: 'in', stream: name, position: String(next), reason: 'trimmed' })
  t.is(e.message, `step 'in' (jetstream source): stream '${name}' lost messages since the checkpoint: the checkpoint read through ` +
    `sequence ${next - 1}, but the stream's first sequence is now 701, so messages ${next}–700 were removed (purged, or dropped by ` +
    `the stream's limits or retention) before this job read them (some may have been on other subjects than '${name}.in'; ` +
    'the stream cannot tell); put them back (e.g. `nats stream restore` of a backup) and restore again, or start the job ' +
    "without restore to read the stream as it is now, from its first sequence, with the steps' state empty")
})

test('stream purged up to the checkpointed sequence, or a message after it deleted on its own: the restore reads the rest', async (t) => {
  const name = await seeded(t, 1000)
  const store = stores.memory()
  const id = `js-trim-ok-${suffix()}`
  const next = await checkpointed(id, name, store)
  await manage(async (jsm) => {
    await jsm.streams.purge(name, { seq: next }) // removes below `next`: first sequence = next
    await jsm.streams.deleteMessage(name, next + 5)
  })
  const rest = (await copyJob(id, name).run({ store, restore: 'latest' }).done).results.out as Event[]
  t.deepEqual(rest.map((e) => e.id), events(next - 1, 1001 - next).map((e) => e.id).filter((i) => i !== next + 4))
})

test('bounded: messages removed beyond the end fixed at the first start are not a loss', async (t) => {
  const name = await seeded(t, 1000)
  const store = stores.memory()
  const id = `js-trim-end-${suffix()}`
  const first = copyJob(id, name).run({ store, batchSize: 50 })
  const all = (await first.done).results.out as Event[]
  t.is(all.length, 1000)
  await publish(`${name}.in`, events(1000, 100))
  await manage((jsm) => jsm.streams.purge(name, { seq: 1050 }))
  const again = await copyJob(id, name).run({ store, restore: 'latest' }).done
  t.deepEqual(again.results.out, [])
})

test('stream deleted and re-created under the same name: the restore is refused as another stream', async (t) => {
  const name = await seeded(t, 1000)
  const store = stores.memory()
  const id = `js-recreated-${suffix()}`
  const next = await checkpointed(id, name, store)
  await deleteStream(name)
  await createStream(name, [`${name}.>`])
  await publish(`${name}.in`, events(0, 1000)) // as long as before: sequences alone cannot tell
  const e = await t.throwsAsync(copyJob(id, name).run({ store, restore: 'latest' }).done) as SourceStreamChangedError
  t.true(isSourceStreamChangedError(e), String(e))
  t.like(e, { step: 'in', stream: name, position: String(next), reason: 'recreated' })
  t.regex(e.message, new RegExp(`^step 'in' \\(jetstream source\\): stream '${name}' is not the one the checkpoint read: it was created at .+, ` +
    'the checkpoint read the one created at .+, so its sequences number other messages; ' +
    "restore a checkpoint of a run on this stream, or start the job without restore"))
})

for (const stopAtEnd of [true, false]) {
  test(`${stopAtEnd ? 'bounded' : 'unbounded'}: the stream deleted mid-run fails the job with BrokerUnavailableError naming it, instead of waiting forever`, async (t) => {
    t.timeout(30_000)
    const name = await seeded(t, 20_000)
    const job = copyJob(`js-gone-${suffix()}`, name, stopAtEnd).run({ batchSize: 50 })
    await untilOut(job, 'in', 500)
    await deleteStream(name)
    const e = await t.throwsAsync(job.done, { instanceOf: BrokerUnavailableError })
    t.regex(e!.message, new RegExp(`nats at 127\\.0\\.0\\.1:4222: cannot read stream '${name}'.*stream not found`))
  })
}
