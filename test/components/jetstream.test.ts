import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkpoints, InvalidOptionError, pipeline, sinks, sources, stores, type Job, type StateStore } from '../../index.ts'
import build from '../fixtures/broker-pipeline.ts'
import { createStream, deleteStream, events, NATS, publish, readStream, sortRows, suffix, windowsOf, type Event, type WindowRow } from '../fixtures/broker-records.ts'
import { startNats } from '../fixtures/broker-servers.ts'

/** A fresh stream `<name>` capturing `<name>.>`, deleted after the test. */
async function stream(t: { teardown(f: () => Promise<void>): void }, servers = NATS): Promise<string> {
  const name = `oxiflow-js-${suffix()}`
  await createStream(name, [`${name}.>`], servers)
  t.teardown(() => deleteStream(name, servers))
  return name
}

/** Resolves once the step has sent `n` records on (a condition, not a time). */
async function untilOut(job: Job, step: string, n: number): Promise<void> {
  while ((job.metrics().steps[step]?.recordsOut ?? 0) < n) {
    if (job.metrics().status === 'failed') await job.done // throws the job's error
    await sleep(10)
  }
}

/** A paced copy job: source → 1 ms every 10 records → collect. */
function copyJob(id: string, name: string, opts: { stopAtEnd: boolean }) {
  return pipeline(id)
    .source('in', sources.jetstream<Event>({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd: opts.stopAtEnd }))
    .mapAsync('pace', async (e) => { if (e.id % 10 === 0) await sleep(1); return e })
    .sink('out', sinks.collect())
}

test('reads its subject in stream order and, with stopAtEnd, ends at the end of the stream', async (t) => {
  const name = await stream(t)
  const mine = events(0, 3000)
  // Interleave another subject, so stream sequences and the subject's records differ.
  for (let i = 0; i < 3; i++) {
    await publish(`${name}.in`, mine.slice(i * 1000, (i + 1) * 1000))
    await publish(`${name}.other`, events(10_000 + i * 100, 100))
  }
  const summary = await pipeline(`js-read-${suffix()}`)
    .source('in', sources.jetstream<Event>({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd: true }))
    .sink('out', sinks.collect()).run().done
  t.deepEqual((summary.results.out as Event[]).map((e) => e.id), mine.map((e) => e.id))
})

test('stopAtEnd on a subject with nothing in it ends at once', async (t) => {
  const name = await stream(t)
  await publish(`${name}.other`, events(0, 10))
  const summary = await pipeline(`js-empty-${suffix()}`)
    .source('in', sources.jetstream({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd: true }))
    .sink('out', sinks.collect()).run().done
  t.deepEqual(summary.results.out, [])
})

test('restore resumes after the checkpointed sequence and stops at the end fixed by the first start, though the stream grew', async (t) => {
  const name = await stream(t)
  await publish(`${name}.in`, events(0, 1000))
  const store: StateStore = stores.memory()
  const id = `js-restore-${suffix()}`
  const first = copyJob(id, name, { stopAtEnd: true }).run({ store, batchSize: 50 })
  await untilOut(first, 'in', 200)
  const part1 = (await first.stop()).results.out as Event[]
  t.true(part1.length >= 200 && part1.length < 1000, `stopped mid-stream (after ${part1.length})`)
  const [latest] = await checkpoints(store, id).list() // newest first
  const { created, ...position } = (await checkpoints(store, id).read(latest.id, 'in'))['in/position'] as { created?: string }
  t.deepEqual(position, { next: part1.length + 1, end: 1000 })
  t.regex(created ?? '', /^\d{4}-\d\d-\d\dT/, "the stream's creation time, which tells it from a stream re-created under its name")
  await publish(`${name}.in`, events(1000, 500)) // beyond the end the first start fixed
  const part2 = (await copyJob(id, name, { stopAtEnd: true }).run({ store, restore: 'latest', batchSize: 50 }).done).results.out as Event[]
  t.deepEqual([...part1, ...part2].map((e) => e.id), events(0, 1000).map((e) => e.id))
})

test('unbounded: runs until stopped (idle reads let the stop through), and a restore continues with what was published meanwhile', async (t) => {
  const name = await stream(t)
  await publish(`${name}.in`, events(0, 500))
  const store = stores.memory()
  const id = `js-unbounded-${suffix()}`
  const first = copyJob(id, name, { stopAtEnd: false }).run({ store })
  await untilOut(first, 'pace', 500)
  const part1 = (await first.stop()).results.out as Event[]
  await publish(`${name}.in`, events(500, 300))
  const second = copyJob(id, name, { stopAtEnd: false }).run({ store, restore: 'latest' })
  await untilOut(second, 'pace', 300)
  await sleep(200) // would show a record read twice or past the end
  const part2 = (await second.stop()).results.out as Event[]
  t.deepEqual([...part1, ...part2].map((e) => e.id), events(0, 800).map((e) => e.id))
})

test('durable: the consumer is acknowledged only at checkpoint commits; a restore reads from its checkpoint, a fresh start after the ack floor', async (t) => {
  const name = await stream(t)
  await publish(`${name}.in`, events(0, 1000)) // only this subject: stream sequence = id + 1
  const durable = `d-${suffix()}`
  const { connect } = await import('@nats-io/transport-node')
  const { jetstreamManager } = await import('@nats-io/jetstream')
  const nc = await connect({ servers: NATS })
  t.teardown(() => nc.close())
  const jsm = await jetstreamManager(nc)
  const floor = async (): Promise<number> => (await jsm.consumers.info(name, durable)).ack_floor.stream_seq
  const job = (id: string, stopAtEnd: boolean) => pipeline(id)
    .source('in', sources.jetstream<Event>({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd, durable }))
    .mapAsync('pace', async (e) => { if (e.id % 10 === 0) await sleep(1); return e })
    .sink('out', sinks.collect())
  const store = stores.memory()
  const id = `js-durable-${suffix()}`
  const first = job(id, false).run({ store, batchSize: 50 })
  await untilOut(first, 'pace', 300)
  t.true((await jsm.consumers.info(name, durable)).delivered.stream_seq >= 300, 'messages were delivered')
  t.is(await floor(), 0, 'nothing acknowledged before a checkpoint commits')
  const early = await first.checkpoint()
  const earlyNext = ((await checkpoints(store, id).read(early.id, 'in'))['in/position'] as { next: number }).next
  t.is(await floor(), earlyNext - 1, 'acknowledged up to the committed checkpoint\'s position')
  await untilOut(first, 'pace', earlyNext + 200)
  const part1 = (await first.stop()).results.out as Event[]
  t.is(await floor(), part1.length, 'the final checkpoint of the stop is acknowledged')

  // The checkpoint decides, not the floor: restoring the early checkpoint replays from there.
  const again = (await job(id, true).run({ store, restore: early.id }).done).results.out as Event[]
  t.deepEqual(again.map((e) => e.id), events(earlyNext - 1, 1000 - (earlyNext - 1)).map((e) => e.id))

  // That run completed: its final checkpoint acknowledged everything it read. A fresh start
  // (another store, no checkpoint) continues after what the consumer last had committed.
  t.is(await floor(), 1000, "the completed run's final checkpoint is acknowledged")
  await publish(`${name}.in`, events(1000, 50))
  const fresh = (await job(`js-durable-fresh-${suffix()}`, true).run({ store: stores.memory() }).done).results.out as Event[]
  t.deepEqual(fresh.map((e) => e.id), events(1000, 50).map((e) => e.id))
})

test("a payload that is not JSON follows the source's onError: skipped and counted, or failing with the sequence named", async (t) => {
  const name = await stream(t)
  await publish(`${name}.in`, [{ id: 1 }])
  await publish(`${name}.in`, ['x']) // a JSON string: fine
  const { connect } = await import('@nats-io/transport-node')
  const { jetstream } = await import('@nats-io/jetstream')
  const nc = await connect({ servers: NATS })
  await jetstream(nc).publish(`${name}.in`, '{not json')
  await nc.close()
  await publish(`${name}.in`, [{ id: 4 }])
  const src = () => sources.jetstream({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd: true })
  const skipped = await pipeline(`js-bad-${suffix()}`).source('in', src(), { onError: 'skip' }).sink('out', sinks.collect()).run().done
  t.deepEqual(skipped.results.out, [{ id: 1 }, 'x', { id: 4 }])
  t.is(skipped.steps.in.failed, 1)
  const e = await t.throwsAsync(pipeline(`js-bad-${suffix()}`).source('in', src()).sink('out', sinks.collect()).run().done)
  t.regex(e!.message, new RegExp(`step 'in' failed at jetstream stream ${name} seq 3: .*JSON`))
})

test('a stream that does not exist fails the job with BrokerUnavailableError naming it', async (t) => {
  const e = await t.throwsAsync(pipeline(`js-missing-${suffix()}`)
    .source('in', sources.jetstream({ servers: NATS, stream: `nope-${suffix()}`, stopAtEnd: true })).sink('out', sinks.collect()).run().done)
  t.regex(e!.message, /nats at 127\.0\.0\.1:4222: cannot read stream 'nope-/)
})

test('a sink subject no stream captures is refused at open with the fix', async (t) => {
  const e = await t.throwsAsync(pipeline(`js-nostream-${suffix()}`).source('in', sources.iterable([1]))
    .sink('out', sinks.jetstream({ servers: NATS, subject: `nobody.${suffix()}` })).run().done)
  t.regex(e!.message, /no JetStream stream captures this subject/)
})

const badOptions: [string, () => unknown, string][] = [
  ['no options', () => sources.jetstream(undefined as never), "jetstream source: options must be an object like { servers: '127.0.0.1:4222', stream: 'ORDERS' } (got undefined)"],
  ['servers', () => sources.jetstream({ servers: [], stream: 's' }), "jetstream source: options.servers must be a server address or a list of them, e.g. '127.0.0.1:4222' (got [])"],
  ['stream', () => sources.jetstream({ servers: NATS, stream: 'a.b' }), 'jetstream source: options.stream must be a stream name without spaces, dots, * or > (got "a.b")'],
  ['stopAtEnd', () => sources.jetstream({ servers: NATS, stream: 's', stopAtEnd: 'yes' as never }), 'jetstream source: options.stopAtEnd must be true or false (got "yes")'],
  ['idleMs', () => sources.jetstream({ servers: NATS, stream: 's', idleMs: 0 }), 'jetstream source: options.idleMs must be a positive integer (got 0)'],
  ['durable', () => sources.jetstream({ servers: NATS, stream: 's', durable: 'a.b' }), 'jetstream source: options.durable must be a consumer name without spaces, dots, * or > (got "a.b")'],
  ['subject', () => sinks.jetstream({ servers: NATS, subject: 'a.*' }), 'jetstream sink: options.subject must be a subject without wildcards, e.g. "totals.minute" (got "a.*")'],
  ['retryForMs', () => sinks.jetstream({ servers: NATS, subject: 'a', retryForMs: -1 }), 'jetstream sink: options.retryForMs must be a positive integer (got -1)'],
]
for (const [option, make, message] of badOptions) {
  test(`bad option ${option}: InvalidOptionError with the rule`, (t) => {
    const e = t.throws(make, { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}

test.serial('the broker stopped and restarted mid-run: the job waits for it and the output is exactly-once', async (t) => {
  t.timeout(120_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-nats-'))
  const nats = await startNats(dir)
  t.teardown(async () => { await nats.stop(); await rm(dir, { recursive: true, force: true }) })
  const servers = `127.0.0.1:${nats.port}`
  const name = await stream(t, servers)
  const input = events(0, 4000)
  await publish(`${name}.in`, input, servers)
  const job = build({ id: `js-outage-${suffix()}`, from: 'jetstream', to: 'jetstream', servers, stream: name, input: `${name}.in`,
    copies: `${name}.copies`, windows: `${name}.windows`, slowEvery: 20 }).run({ store: stores.memory(), checkpointInterval: 50, batchSize: 100 })
  await untilOut(job, 'in', 1000)
  await nats.stop()
  await sleep(1000)
  await nats.start()
  const summary = await job.done
  t.is(summary.status, 'completed')
  t.true((summary.checkpoints?.completed ?? 0) > 0)
  const copies = await readStream<Event>(name, `${name}.copies`, servers)
  t.deepEqual(copies.map((c) => c.id), input.map((e) => e.id), 'every event copied once, in order')
  t.deepEqual(sortRows(await readStream<WindowRow>(name, `${name}.windows`, servers)), windowsOf(input))
})
