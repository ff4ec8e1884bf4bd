/**
 * Claim of the shared-stores issue: checkpoint write and restore MB/s per store (memory, file,
 * redis, postgres) on the same state — a Map of 1,000,000 keys, codec 'none' so the store's
 * I/O is what differs (zstd would shrink it ~5× and cost the same CPU in every store) — and,
 * underneath, one 64 MiB blob put and got per store. Medians of 3 (range in brackets).
 * Redis: 127.0.0.1:6379 (chunks of 1 MiB); PostgreSQL: 127.0.0.1:5432/test; both local, so this
 * measures the client libraries and servers, not a network. Each store gets its own prefix or
 * schema, removed at the end.
 * Run: npm run bench -- stores
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { pipeline, sources, stores, type Sink, type StateStore } from '../index.ts'
import { collectGarbage, environment, formatEnvironment, libraryVersion, spread, type Spread } from './measure.ts'

const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-stores-'))
const tag = `bench_${randomBytes(4).toString('hex')}`
const REDIS = process.env.OXIFLOW_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0'
const POSTGRES = process.env.OXIFLOW_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const counting: Sink<unknown> = { kind: 'sink', description: 'count', open: () => ({ write() {} }) }
const memory = stores.memory()

/** The stores, each made afresh per use (the memory store is one object: its contents are the store). */
const made: Array<[string, () => StateStore]> = [
  ['memory', () => memory],
  ['file', () => stores.file(join(dir, 'file'))],
  ['redis', () => stores.redis(REDIS, { prefix: tag })],
  ['postgres', () => stores.postgres(POSTGRES, { schema: tag })],
]

const mbps = (mb: number, s: Spread): string => `${(mb / s.median * 1000).toFixed(0)} MB/s [${(mb / s.max * 1000).toFixed(0)}–${(mb / s.min * 1000).toFixed(0)}]`

async function checkpointRow(name: string, make: () => StateStore): Promise<string> {
  const keys = 1_000_000
  const build = () => pipeline(`stores-${name}`).source('tick', sources.generator({ seed: 1, rate: 1 }))
    .process('state', () => {
      let m = new Map<string, number>()
      for (let i = 0; i < keys; i++) m.set(`user-${i}`, i * 7 % 1000)
      return { onBatch() {}, holders: () => [{ stateId: 'state/map', stateVersion: '1.0.0', snapshot: () => m, restore(s: unknown) { m = s as Map<string, number> } }] }
    }).sink('out', counting)
  // From run() until records may flow; with restore it includes reading, verifying and restoring the state.
  const untilRunning = async (restore: boolean): Promise<number> => {
    const store = make()
    collectGarbage()
    const started = performance.now()
    const job = build().run({ store, codec: 'none', ...(restore && { restore: 'latest' as const }) })
    while (job.metrics().status === 'starting') await new Promise((r) => setImmediate(r))
    const ms = performance.now() - started
    await job.stop()
    if (store !== memory) await store.close()
    return ms
  }
  const writes: number[] = []
  let raw = 0
  const store = make()
  const job = build().run({ store, codec: 'none' })
  await new Promise((r) => setTimeout(r, 200))
  for (let i = 0; i < 3; i++) {
    collectGarbage()
    const c = await job.checkpoint()
    writes.push(c.durationMs)
    raw = c.rawBytes
  }
  await job.stop()
  if (store !== memory) await store.close()
  const fresh: number[] = []
  const restored: number[] = []
  for (let i = 0; i < 3; i++) { fresh.push(await untilRunning(false)); restored.push(await untilRunning(true)) }
  const freshMs = spread(fresh).median
  const restore = spread(restored.map((ms) => Math.max(1, ms - freshMs)))
  const mb = raw / 2 ** 20
  return `| ${name} | ${mb.toFixed(1)} MB | ${spread(writes).median.toFixed(0)} ms, ${mbps(mb, spread(writes))} | ${restore.median.toFixed(0)} ms, ${mbps(mb, restore)} |`
}

async function blobRow(name: string, make: () => StateStore): Promise<string> {
  const bytes = randomBytes(64 * 2 ** 20)
  const store = make()
  const puts: number[] = []
  const gets: number[] = []
  for (let i = 0; i < 3; i++) {
    collectGarbage()
    let t = performance.now()
    await store.put(`bench/blob-${i}`, bytes)
    puts.push(performance.now() - t)
    collectGarbage()
    t = performance.now()
    const back = await store.get(`bench/blob-${i}`)
    gets.push(performance.now() - t)
    if (back?.byteLength !== bytes.byteLength) throw new Error(`${name}: read back ${back?.byteLength} bytes of ${bytes.byteLength}`)
    await store.delete(`bench/blob-${i}`)
  }
  if (store !== memory) await store.close()
  return `| ${name} | ${mbps(64, spread(puts))} | ${mbps(64, spread(gets))} |`
}

async function serverVersions(): Promise<string> {
  const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 })
  const info = await redis.info('server')
  redis.disconnect()
  const client = new pg.Client({ connectionString: POSTGRES })
  await client.connect()
  const v = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version
  await client.end()
  return `redis-server ${/redis_version:(\S+)/.exec(info)?.[1]}, PostgreSQL ${v}, ioredis ${libraryVersion('ioredis')}, pg ${libraryVersion('pg')}`
}

async function cleanup(): Promise<void> {
  rmSync(dir, { recursive: true, force: true })
  const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 })
  const keys = await redis.keys(`${tag}:*`)
  if (keys.length > 0) await redis.unlink(...keys)
  redis.disconnect()
  const client = new pg.Client({ connectionString: POSTGRES })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`)
  await client.end()
}

try {
  console.log(formatEnvironment(environment()))
  console.log(await serverVersions())
  console.log('\n## Checkpoint of a 1,000,000-key Map (codec none): write (trigger → commit) and restore (until running, minus a fresh start)\n')
  console.log('| store | state | checkpoint write | restore |\n|:--|--:|--:|--:|')
  for (const [name, make] of made) console.log(await checkpointRow(name, make))
  console.log('\n## One 64 MiB blob: put and get\n')
  console.log('| store | put | get |\n|:--|--:|--:|')
  for (const [name, make] of made) console.log(await blobRow(name, make))
} finally {
  await cleanup()
}
