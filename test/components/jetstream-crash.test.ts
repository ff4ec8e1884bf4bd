import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkpoints, stores } from '../../index.ts'
import type { StagedOutputState } from '../../components/brokers/staged-output.ts'
import { runBrokerOnce, runBrokerUntilDone } from '../fixtures/broker-cli.ts'
import type { BrokerParams } from '../fixtures/broker-pipeline.ts'
import { createStream, deleteStream, events, NATS, publish, readStream, sortRows, suffix, windowsOf, type Event, type WindowRow } from '../fixtures/broker-records.ts'

const count = 6000

/** A fresh stream with `count` events on its input subject; removed after the test. */
async function setUp(t: { teardown(f: () => Promise<void>): void }): Promise<{ params: BrokerParams; store: string; input: Event[] }> {
  const s = suffix()
  const stream = `oxiflow-crash-${s}`
  await createStream(stream, [`${stream}.>`])
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-js-crash-'))
  t.teardown(async () => { await deleteStream(stream); await rm(dir, { recursive: true, force: true }) })
  const input = events(0, count)
  await publish(`${stream}.in`, input)
  return {
    params: { id: `js-crash-${s}`, from: 'jetstream', to: 'jetstream', servers: NATS, stream, input: `${stream}.in`, copies: `${stream}.copies`, windows: `${stream}.windows`, slowEvery: 40 },
    store: join(dir, 'store'), input,
  }
}

/** Exactly-once: every event copied once, in input order, and every window once with the oracle's figures. */
async function assertExactlyOnce(t: import('ava').ExecutionContext, params: BrokerParams, input: Event[]): Promise<void> {
  const copies = await readStream<Event & { copied: boolean }>(params.stream!, params.copies)
  t.is(copies.length, input.length, 'copies: each input event exactly once')
  t.deepEqual(copies.map((c) => c.id), input.map((e) => e.id), 'copies in input order')
  const rows = await readStream<WindowRow>(params.stream!, params.windows)
  t.deepEqual(sortRows(rows), windowsOf(input), 'windows equal the plain loop, none twice')
}

// Two of the four fault points (crash-recovery.test.ts covers all four for the checkpoint protocol itself):
// after the manifest (staged output not yet published) and after the commit (published, checkpoint done).
for (const point of ['after-manifest', 'after-commit'] as const) {
  test.serial(`JetStream → JetStream: SIGKILL ${point.replace('-', ' ')} of checkpoint 3, then --restore latest: exactly-once output`, async (t) => {
    t.timeout(120_000)
    const { params, store, input } = await setUp(t)
    const killed = await runBrokerUntilDone(params, store, { env: { OXIFLOW_FAULT: `${point}:3` } }, () => undefined)
    t.is(killed, 1, 'the fault point must have killed the first run')
    await assertExactlyOnce(t, params, input)
  })
}

test.serial('JetStream → JetStream: random SIGKILLs, each run restarted with --restore latest: exactly-once output', async (t) => {
  t.timeout(240_000)
  const { params, store, input } = await setUp(t)
  let kills = 0
  const nextKill = (): number | undefined => (kills++ < 3 ? 700 + Math.floor(Math.random() * 700) : undefined)
  // Paced to last well past the last possible kill (1.4 s): 150 sleeps of 8 ms, whatever the start-up costs.
  const killed = await runBrokerUntilDone({ ...params, slowMs: 8 }, store, { killAfterMs: nextKill() }, nextKill)
  t.log(`${killed} runs killed`)
  t.true(killed >= 1, 'at least one run was killed before it finished')
  await assertExactlyOnce(t, params, input)
})

test.serial('JetStream → JetStream: SIGKILL on 2 worker threads after commit of checkpoint 2, --restore latest on 3: each event and window once, per key in order', async (t) => {
  t.timeout(120_000)
  const { params: base, store, input } = await setUp(t)
  // On 2 workers a checkpoint aligns behind the paced step's backlog (150–500 ms each, measured),
  // so the job is paced 4× slower and killed at checkpoint 2: at 'after-commit:3' the input ended
  // first in 1 run of 3 once periodic checkpoints stopped queueing up without bound.
  // Another worker count on restore: the sink (one instance, on a worker) lands on another
  // thread and the keyed steps' key groups move; its staged output must still publish once.
  const params = { ...base, slowEvery: 10 }
  t.is(await runBrokerOnce(params, store, { OXIFLOW_FAULT: 'after-commit:2' }, undefined, 2), 'SIGKILL', 'the fault point must have killed the first run')
  t.is(await runBrokerOnce(params, store, {}, undefined, 3), 0, 'the restored run on 3 workers completes')
  // Stateless steps run in parallel on the workers, so only per-key order is promised.
  const copies = await readStream<Event>(params.stream!, params.copies)
  t.deepEqual(copies.map((c) => c.id).sort((a, b) => a - b), input.map((e) => e.id), 'each event copied exactly once')
  for (const key of new Set(input.map((e) => e.key))) {
    t.deepEqual(copies.filter((c) => c.key === key).map((c) => c.id), input.filter((e) => e.key === key).map((e) => e.id), `key ${key} in input order`)
  }
  t.deepEqual(sortRows(await readStream<WindowRow>(params.stream!, params.windows)), windowsOf(input), 'windows equal the plain loop, none twice')
})

test.serial('JetStream → JetStream on 2 worker threads: SIGKILL before the manifest of the job\'s end checkpoint — nothing after the last committed checkpoint was published — then --restore latest: each event and window once', async (t) => {
  t.timeout(120_000)
  const { params, store, input } = await setUp(t)
  // Killed after every step ended, before the end's checkpoint committed: the stream may hold only
  // what the last committed checkpoint covers (its commit ran before). Published at end() (as
  // before), the windows fired at the end were there too, and the replay from that checkpoint
  // emitted them again in another order from the two workers, under the same ordinals, so
  // JetStream dropped the wrong ones.
  // Paced to about 1.5 s of input with a checkpoint every 500 ms, so that the end comes well after
  // the last periodic checkpoint (at 40 ms one often came after every sink had ended).
  const paced = { ...params, slowEvery: 10 }
  t.is(await runBrokerOnce(paced, store, { OXIFLOW_FAULT: 'before-manifest:end' }, undefined, 2, 500), 'SIGKILL', 'the fault point must have killed the first run')
  const cps = checkpoints(stores.file(store), params.id)
  const [newest] = await cps.list()
  for (const [step, subject, total] of [['copies', params.copies, input.length], ['windows', params.windows, windowsOf(input).length]] as const) {
    const states = newest ? Object.values(await cps.read(newest.id, step)) as StagedOutputState[] : []
    const covered = states.reduce((n, s) => n + s.published + s.pending.length, 0)
    const onStream = (await readStream<unknown>(params.stream!, subject)).length
    t.log(`${step}: checkpoint ${newest?.id ?? 'none'} covers ${covered} of ${total}; ${onStream} on the stream`)
    t.is(onStream, covered, `${step}: the stream holds exactly what the last committed checkpoint covers`)
  }
  t.is(await runBrokerUntilDone(paced, store, {}, () => undefined, 2), 0, 'the restored run completes')
  const copies = await readStream<Event>(params.stream!, params.copies)
  t.deepEqual(copies.map((c) => c.id).sort((a, b) => a - b), input.map((e) => e.id), 'each event copied exactly once')
  t.deepEqual(sortRows(await readStream<WindowRow>(params.stream!, params.windows)), windowsOf(input), 'windows equal the plain loop, none twice')
})
