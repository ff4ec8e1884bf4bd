import test, { type ExecutionContext } from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { checkpoints, stores } from '../../index.ts'
import { runBrokerOnce, runBrokerUntilDone } from '../fixtures/broker-cli.ts'
import type { BrokerParams } from '../fixtures/broker-pipeline.ts'
import {
  appendRedis, createStream, deleteRedis, deleteStream, events, NATS, publish, readRedis, readStream, REDIS, sortRows, suffix, windowsOf,
  type Event, type WindowRow,
} from '../fixtures/broker-records.ts'

const count = 6000
type Broker = 'jetstream' | 'redis'

/** Input on `from` (a fresh stream or key with `count` events), outputs on `to`; all removed after the test. */
async function setUp(t: ExecutionContext, from: Broker, to: Broker): Promise<{ params: BrokerParams; store: string; input: Event[] }> {
  const s = suffix()
  const stream = `oxiflow-crash-${s}`
  // A subject of the stream on JetStream, a key on Redis.
  const name = (what: string, on: Broker): string => (on === 'jetstream' ? `${stream}.${what}` : `${stream}:${what}`)
  if (from === 'jetstream' || to === 'jetstream') await createStream(stream, [`${stream}.>`])
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-redis-crash-'))
  const params: BrokerParams = { id: `crash-${s}`, from, to, servers: NATS, url: REDIS, stream, input: name('in', from), copies: name('copies', to), windows: name('windows', to), slowEvery: 40 }
  t.teardown(async () => {
    await deleteStream(stream)
    await deleteRedis([params.input, params.copies, params.windows, `${params.copies}:oxiflow-written`, `${params.windows}:oxiflow-written`])
    await rm(dir, { recursive: true, force: true })
  })
  const input = events(0, count)
  if (from === 'jetstream') await publish(params.input, input)
  else await appendRedis(params.input, input)
  return { params, store: join(dir, 'store'), input }
}

async function assertExactlyOnce(t: ExecutionContext, params: BrokerParams, input: Event[]): Promise<void> {
  const read = <T>(where: string): Promise<T[]> => (params.to === 'jetstream' ? readStream<T>(params.stream!, where) : readRedis<T>(where))
  const copies = await read<Event & { copied: boolean }>(params.copies)
  t.is(copies.length, input.length, 'copies: each input event exactly once')
  t.deepEqual(copies.map((c) => c.id), input.map((e) => e.id), 'copies in input order')
  t.deepEqual(sortRows(await read<WindowRow>(params.windows)), windowsOf(input), 'windows equal the plain loop, none twice')
}

// Two of the four fault points (crash-recovery.test.ts covers all four for the checkpoint protocol itself).
for (const point of ['after-manifest', 'after-commit'] as const) {
  test.serial(`Redis → Redis: SIGKILL ${point.replace('-', ' ')} of checkpoint 3, then --restore latest: exactly-once output`, async (t) => {
    t.timeout(120_000)
    const { params, store, input } = await setUp(t, 'redis', 'redis')
    const killed = await runBrokerUntilDone(params, store, { env: { OXIFLOW_FAULT: `${point}:3` } }, () => undefined)
    t.is(killed, 1, 'the fault point must have killed the first run')
    await assertExactlyOnce(t, params, input)
  })
}

for (const [from, to] of [['redis', 'redis'], ['jetstream', 'redis']] as const) {
  test.serial(`${from} → ${to}: random SIGKILLs, each run restarted with --restore latest: exactly-once output`, async (t) => {
    t.timeout(240_000)
    const { params, store, input } = await setUp(t, from, to)
    let kills = 0
    const nextKill = (): number | undefined => (kills++ < 3 ? 700 + Math.floor(Math.random() * 700) : undefined)
    // Paced to last well past the last possible kill (1.4 s): 150 sleeps of 8 ms, whatever the start-up costs.
    const killed = await runBrokerUntilDone({ ...params, slowMs: 8 }, store, { killAfterMs: nextKill() }, nextKill)
    t.log(`${killed} runs killed`)
    t.true(killed >= 1, 'at least one run was killed before it finished')
    await assertExactlyOnce(t, params, input)
  })
}

test.serial('Redis → Redis on 2 workers: the newest checkpoint damaged after its commit published, --restore latest goes back one: every record at least once, under a new run', async (t) => {
  t.timeout(180_000)
  const { params, store, input } = await setUp(t, 'redis', 'redis')
  t.is(await runBrokerOnce(params, store, { OXIFLOW_FAULT: 'after-commit:3' }, undefined, 2), 'SIGKILL', 'the fault point must have killed the first run')
  // Checkpoint 3 committed and its sinks published; a blob of it is then damaged.
  const files = stores.file(store)
  const blob = (await files.list(`pipelines/${params.id}/checkpoints/0000000003/`)).find((k) => k.includes('per-window'))!
  const bytes = (await files.get(blob))!
  bytes[bytes.length - 1] ^= 0xff
  await files.put(blob, bytes)
  t.is((await checkpoints(files, params.id).verify(3)).ok, false)
  t.is(await runBrokerUntilDone(params, store, {}, () => undefined, 2), 0)
  // The replay from checkpoint 2 brings the windows of both keyed instances in another order:
  // matched by ordinal against what checkpoint 3 published, new rows were dropped as duplicates
  // of other ones. Under a new run they are all published; what checkpoint 3 had is there twice.
  const once = <T>(rows: T[]): T[] => [...new Map(rows.map((r) => [JSON.stringify(r), r])).values()]
  const windows = await readRedis<WindowRow>(params.windows)
  t.deepEqual(sortRows(once(windows)), windowsOf(input), 'every window row at least once, none that the plain loop lacks')
  const copies = await readRedis<Event & { copied: boolean }>(params.copies)
  t.deepEqual(once(copies.map((c) => c.id)).sort((a, b) => a - b), input.map((e) => e.id), 'every copy at least once')
  const redis = new Redis(REDIS)
  t.teardown(() => redis.quit().then(() => undefined))
  t.is(await redis.hlen(`${params.windows}:oxiflow-written`), 2, 'the restore took a new run for the windows sink')
})
