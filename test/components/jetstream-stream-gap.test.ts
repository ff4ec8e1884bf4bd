// A running JetStream source that reads every subject of its stream sees a removal as a gap in
// sequences: messages dropped from the stream's start by its limits while the job was behind
// (or purged) before the consumer delivered them fail the job with SourceStreamChangedError
// instead of being skipped; a message deleted on its own, and a capped stream the job keeps up
// with, go on.
import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { isSourceStreamChangedError, pipeline, sinks, sources, stores } from '../../index.ts'
import { deleteStream, events, NATS, publish, suffix, type Event } from '../fixtures/broker-records.ts'

async function manage<R>(f: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<R>): Promise<R> {
  const nc = await connect({ servers: NATS })
  try { return await f(await jetstreamManager(nc)) } finally { await nc.close() }
}

/** A stream `<name>` of the one subject `<name>.in`, holding at most `maxMsgs` messages, deleted after the test. */
async function capped(t: { teardown(f: () => Promise<void>): void }, maxMsgs: number): Promise<string> {
  const name = `oxiflow-jsgap-${suffix()}`
  await manage((jsm) => jsm.streams.add({ name, subjects: [`${name}.in`], max_msgs: maxMsgs }))
  t.teardown(() => deleteStream(name))
  return name
}

function copyJob(name: string, pace: (e: Event) => Promise<void>, subject?: string, stopAtEnd = false) {
  return pipeline(`js-gap-${suffix()}`)
    .source('in', sources.jetstream<Event>({ servers: NATS, stream: name, stopAtEnd, ...(subject !== undefined && { subject }) }))
    .mapAsync('pace', async (e) => { await pace(e); return e }, { concurrency: 1 })
    .sink('out', sinks.collect())
}

for (const subject of [undefined, 'the stream\'s one subject'] as const) {
  test(`a job behind a stream capped by max_msgs fails with SourceStreamChangedError when messages were dropped unread (subject: ${subject ?? 'none'})`, async (t) => {
    t.timeout(60_000)
    const name = await capped(t, 500)
    await publish(`${name}.in`, events(0, 500))
    let gate: Promise<void> | undefined
    let open!: () => void
    const job = copyJob(name, async (e) => { if (e.id === 100) { gate = new Promise((r) => { open = r }); await gate } },
      subject === undefined ? undefined : `${name}.in`).run({ batchSize: 50, stallTimeout: 0 })
    while (gate === undefined) { if (job.metrics().status === 'failed') await job.done; await sleep(10) }
    // Far more than the consumer's and the source's buffers take (1024 + 4096): the stream drops the rest unread.
    await publish(`${name}.in`, events(500, 20_000))
    open()
    const e = await t.throwsAsync(job.done)
    t.true(isSourceStreamChangedError(e), String(e))
    t.like(e, { step: 'in', stream: name, reason: 'trimmed' })
    t.regex(e!.message, new RegExp(`^step 'in' \\(jetstream source\\): stream '${name}' lost messages \\d+–\\d+ before this job read them: ` +
      "the stream's first sequence is now \\d+ \\(purged, or dropped by the stream's limits or retention while the job was behind\\); " +
      '.*start it without restore'))
  })
}

test('a capped stream the job keeps up with is read whole, and goes on running', async (t) => {
  t.timeout(60_000)
  const name = await capped(t, 150)
  const job = copyJob(name, async () => {}).run({ batchSize: 50, stallTimeout: 0 })
  const read = () => job.metrics().steps.in?.recordsOut ?? 0
  // 100 at a time, each chunk once the job read the one before: the stream drops only what was read.
  for (let chunk = 0; chunk < 20; chunk++) {
    await publish(`${name}.in`, events(chunk * 100, 100))
    while (read() < (chunk + 1) * 100) { if (job.metrics().status === 'failed') await job.done; await sleep(5) }
  }
  t.is(job.metrics().status, 'running')
  const out = (await job.stop()).results.out as Event[]
  t.deepEqual(out.map((e) => e.id), events(0, 2000).map((e) => e.id))
})

test('a message deleted on its own after the position is a gap with older messages kept: not a loss, the rest is read once', async (t) => {
  t.timeout(60_000)
  const name = await capped(t, 100_000)
  await publish(`${name}.in`, events(0, 1000))
  const store = stores.memory()
  const id = `js-gap-rmm-${suffix()}`
  const job = (stopAtEnd: boolean, restore?: 'latest') => pipeline(id)
    .source('in', sources.jetstream<Event>({ servers: NATS, stream: name, stopAtEnd }))
    .mapAsync('pace', async (e) => { if (e.id % 10 === 0) await sleep(1); return e })
    .sink('out', sinks.collect())
    .run({ store, batchSize: 50, ...(restore && { restore }) })
  const first = job(true)
  while ((first.metrics().steps.in?.recordsOut ?? 0) < 200) { if (first.metrics().status === 'failed') await first.done; await sleep(10) }
  const before = (await first.stop()).results.out as Event[]
  await manage((jsm) => jsm.streams.deleteMessage(name, 900)) // id 899, after the checkpoint
  const rest = (await job(true, 'latest').done).results.out as Event[]
  t.deepEqual([...before, ...rest].map((e) => e.id), events(0, 1000).map((e) => e.id).filter((i) => i !== 899))
})
