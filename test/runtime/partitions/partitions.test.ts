import test from 'ava'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkpoints, keyGroupOf, stores } from '../../../index.ts'
import type { PartitionEvent } from '../../../runtime/partitions/index.ts'
import type { BrokerParams } from '../../fixtures/broker-pipeline.ts'
import { Redis } from 'ioredis'
import { createStream, deleteStream, events, NATS, publish, readStream, REDIS, sortRows, suffix, windowsOf, type Event, type WindowRow } from '../../fixtures/broker-records.ts'

const PARTITIONS = 4
const PER_PARTITION_EVENTS = 6000

/** Which partition an event's key goes to (the producer's choice; by key, so a keyed window sees all of a key). */
const partitionOf = (e: Event): number => keyGroupOf(e.key, PARTITIONS)

/** Removes every Redis key under `prefix` (the Redis store's keys of one test). */
async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS)
  try {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
  } finally { redis.disconnect() }
}

interface Runner { child: ChildProcess; lines: unknown[]; exited: Promise<number | string> }

function startRunner(name: string, params: object): Runner {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/broker-partitions.ts', JSON.stringify(params)],
    { env: { ...process.env, OXIFLOW_RUNNER_ID: name }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: unknown[] = []
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => {
    out += d
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) { lines.push(JSON.parse(out.slice(0, i))); out = out.slice(i + 1) }
  })
  child.stderr!.on('data', (d) => { err += d })
  const exited = new Promise<number | string>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => (code !== null && code !== 0 ? reject(new Error(`runner ${name} exit ${code}: ${err}`)) : resolve(code ?? signal!)))
  })
  return { child, lines, exited }
}

/** The partitions a runner holds now, from its events. */
function held(r: Runner): Set<number> {
  const now = new Set<number>()
  for (const l of r.lines as { event?: PartitionEvent }[]) {
    if (!l.event) continue
    if (l.event.kind === 'acquired') now.add(l.event.partition)
    else now.delete(l.event.partition)
  }
  return now
}

async function until(what: string, ok: () => boolean | Promise<boolean>, seen: () => string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; runners said: ${seen()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// On the Redis store, the shared store several machines' runners would use. (Partitions on the
// file store: test/runtime/partitions/partitions-balance.test.ts runs the same runner on a memory store, and
// the file store's leases across processes are tested in test/persistence/file-store-processes.test.ts.)
for (const kind of ['redis'] as Array<'file' | 'redis'>) {
test.serial(`${kind} store: two runners split four partitions; one is SIGKILLed, the other finishes all four from the checkpoints with exactly-once output`, async (t) => {
  t.timeout(180_000)
  const s = suffix()
  const stream = `oxiflow-parts-${s}`
  await createStream(stream, [`${stream}.>`])
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-parts-'))
  const storeAt = kind === 'file' ? join(dir, 'store') : `${REDIS}/0?prefix=oxiflow-parts-${s}`
  t.teardown(async () => {
    await deleteStream(stream)
    await rm(dir, { recursive: true, force: true })
    if (kind === 'redis') await deleteRedisPrefix(`oxiflow-parts-${s}`)
  })
  const input = events(0, PARTITIONS * PER_PARTITION_EVENTS)
  for (let p = 0; p < PARTITIONS; p++) await publish(`${stream}.in.${p}`, input.filter((e) => partitionOf(e) === p))
  const base: BrokerParams = { id: `parts-${s}`, from: 'jetstream', to: 'jetstream', servers: NATS, stream, input: `${stream}.in`,
    copies: `${stream}.copies`, windows: `${stream}.windows`, slowEvery: 20, slowMs: 10 }
  const params = { group: `g-${s}`, store: storeAt, partitions: PARTITIONS, base }

  const a = startRunner('runner-a', params)
  const b = startRunner('runner-b', params)
  const store = stores.open(storeAt)
  t.teardown(() => store.close())
  // Kill A while both run partitions and each partition A holds committed a checkpoint under A, so
  // B must take them over and restore them, not start over. (Not "two each": under load a
  // partition may finish before the hand-over settles.)
  let aHeld: number[] = []
  await until('both runners running partitions, with a checkpoint of each of runner A\'s', async () => {
    aHeld = [...held(a)]
    if (aHeld.length === 0 || held(b).size === 0) return false
    for (const p of aHeld) if ((await checkpoints(store, `${base.id}-p${p}`).list()).length === 0) return false
    return true
  }, () => JSON.stringify({ a: a.lines, b: b.lines }))
  a.child.kill('SIGKILL')
  t.is(await a.exited, 'SIGKILL')
  await b.exited
  const bEvents = (b.lines as { event?: PartitionEvent }[]).flatMap((l) => (l.event ? [l.event] : []))
  // Who completed each partition, from its done marker (the runner's name, written before the
  // lease is released). Not from A's stdout: A can be killed after writing a marker and before
  // printing its 'completed' event.
  const doneBy = new Map<number, string>()
  for (let p = 0; p < PARTITIONS; p++) {
    const marker = await store.get(`partitions/${params.group}/done/${p}`)
    if (marker !== undefined) doneBy.set(p, new TextDecoder().decode(marker))
  }
  t.deepEqual([...doneBy.keys()].sort(), [0, 1, 2, 3], 'every partition is marked done')
  const takenOver = aHeld.filter((p) => doneBy.get(p) === 'runner-b')
  t.true(takenOver.length > 0, `runner A was killed holding unfinished partitions (held ${aHeld.join(', ')}; done by ${JSON.stringify([...doneBy])})`)
  for (const p of takenOver) {
    const takeover = bEvents.filter((e) => e.kind === 'acquired' && e.partition === p).at(-1)
    t.truthy(takeover?.checkpointId, `runner B restored partition ${p} from a checkpoint (its events: ${JSON.stringify(bEvents.filter((e) => e.partition === p))})`)
  }
  const bCompleted = bEvents.flatMap((e) => (e.kind === 'completed' ? [e.partition] : []))
  t.deepEqual(bCompleted.sort(), [...doneBy].flatMap(([p, by]) => (by === 'runner-b' ? [p] : [])).sort(), 'B ran to its end exactly the partitions marked done by B')
  const aCompleted = (a.lines as { event?: PartitionEvent }[]).flatMap((l) => (l.event?.kind === 'completed' ? [l.event.partition] : []))
  for (const p of aCompleted) t.is(doneBy.get(p), 'runner-a', `partition ${p} that A completed is marked done by A`)
  const summary = (b.lines as { summary?: { status: string; completed: number[] } }[]).find((l) => l.summary)?.summary
  t.is(summary?.status, 'completed')

  const copies = await readStream<Event>(stream, `${stream}.copies`)
  t.is(copies.length, input.length, 'every event copied exactly once')
  t.deepEqual(copies.map((c) => c.id).sort((x, y) => x - y), input.map((e) => e.id))
  for (let p = 0; p < PARTITIONS; p++) {
    const ids = copies.filter((c) => partitionOf(c) === p).map((c) => c.id)
    t.deepEqual(ids, input.filter((e) => partitionOf(e) === p).map((e) => e.id), `partition ${p} in input order`)
  }
  t.deepEqual(sortRows(await readStream<WindowRow>(stream, `${stream}.windows`)), windowsOf(input), 'windows equal the plain loop, none twice')
})
}
