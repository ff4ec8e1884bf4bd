/**
 * Claim: an unbounded job's memory is bounded by its channels and its state — it does not grow
 * with the records it has read. Runs the soak job (bench/soak-child.ts: source → keyBy → 1-minute
 * event-time windows with count and p99 → jsonl, a checkpoint every 500 ms) for BENCH_SOAK_SECONDS
 * (default 120) on each async source, in a fresh child process each: the paced generator, a
 * JetStream stream and a Redis stream, the two brokers fed at the same rate by a producer in this
 * process. Prints, per source, RSS and heap used after a full GC over time and their slope
 * (least squares over the samples after the warm-up), and exits 1 when a child fails.
 *
 * Run: `npm run bench -- soak`. Knobs (env): BENCH_SOAK_SECONDS, BENCH_SOAK_RATE (records/s,
 * default 10,000), BENCH_SOAK_SAMPLE (seconds between samples, default 10), BENCH_SOAK_SOURCES
 * (comma-separated, default generator,jetstream,redis), BENCH_NATS, BENCH_REDIS.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { Redis } from 'ioredis'
import { environment, fmt, formatEnvironment, formatTable, libraryVersion, otherNote, watchOtherProcesses, writeResults } from './measure.ts'
import { SOAK, type SoakChildReport, type SoakRecord } from './soak-settings.ts'

const benchDir = dirname(fileURLToPath(import.meta.url))
const asked = (process.env.BENCH_SOAK_SOURCES ?? 'generator,jetstream,redis').split(',')

/** Record `id` as the producer writes it: the generator's shape, keys spread over SOAK.keys. */
function record(id: number): SoakRecord {
  return { id, key: `k${(Math.imul(id, 0x9e3779b1) >>> 0) % SOAK.keys}`, value: ((Math.imul(id, 0x85ebca6b) >>> 0) % 10_000) / 10_000, ts: 1_700_000_000_000 + id * 10 }
}

/** Writes `rate` records a second through `write` until stopped; a slow write delays, never queues, the next. */
function produce(write: (records: SoakRecord[]) => Promise<void>): { stop(): Promise<number> } {
  let sent = 0
  let stopped = false
  const start = performance.now()
  const loop = (async () => {
    while (!stopped) {
      const due = Math.floor(((performance.now() - start) / 1000) * SOAK.rate) - sent
      if (due > 0) {
        const n = Math.min(due, 2000)
        await write(Array.from({ length: n }, (_, i) => record(sent + i)))
        sent += n
      } else await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  return { stop: async () => { stopped = true; await loop; return sent } }
}

/** Runs the child for `source`, with a producer feeding `stream` when it is a broker. */
async function soak(source: string): Promise<SoakChildReport & { produced?: number }> {
  const stream = `bench-soak-${randomBytes(4).toString('hex')}`
  let producer: { stop(): Promise<number> } | undefined
  let cleanup = async () => {}
  if (source === 'jetstream') {
    const nc = await connect({ servers: SOAK.nats })
    // Bounded on the server too (oldest discarded): the bench measures the job, not the broker.
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${stream}.>`], max_msgs: 500_000 })
    const js = jetstream(nc)
    producer = produce(async (rs) => { await Promise.all(rs.map((r) => js.publish(`${stream}.in`, JSON.stringify(r)))) })
    cleanup = async () => { await (await jetstreamManager(nc)).streams.delete(stream); await nc.close() }
  } else if (source === 'redis') {
    const redis = new Redis(SOAK.redis)
    producer = produce(async (rs) => {
      const batch = redis.pipeline()
      for (const r of rs) batch.xadd(stream, 'MAXLEN', '~', '500000', '*', 'data', JSON.stringify(r))
      await batch.exec()
    })
    cleanup = async () => { await redis.del(stream); redis.disconnect() }
  }
  try {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, 'soak-child.ts'), source,
      String(SOAK.seconds), String(SOAK.rate), String(SOAK.sampleSeconds), stream], { cwd: join(benchDir, '..'), stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    if (code !== 0) throw new Error(`soak child '${source}' exited with ${code}`)
    const produced = await producer?.stop()
    return { ...(JSON.parse(out.trim().split('\n').at(-1)!) as SoakChildReport), ...(produced !== undefined && { produced }) }
  } finally {
    await producer?.stop()
    await cleanup()
  }
}

/** Least-squares slope of y over t (per second). */
function slope(points: readonly { t: number; y: number }[]): number {
  const n = points.length
  const mt = points.reduce((a, p) => a + p.t, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.y - my), 0)
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0)
  return den === 0 ? 0 : num / den
}

const env = environment()
console.log(`# Soak: ${SOAK.seconds} s per source at ${fmt(SOAK.rate)} records/s, ${SOAK.keys} keys, 1-minute windows (count, p99), checkpoint every ${SOAK.checkpointMs} ms, inline\n`)
console.log(formatEnvironment(env))
console.log(`@nats-io/jetstream ${libraryVersion('@nats-io/jetstream')}, ioredis ${libraryVersion('ioredis')}\n`)
const others = watchOtherProcesses()
const reports: (SoakChildReport & { produced?: number })[] = []
let failed = false
for (const source of asked) {
  try {
    const r = await soak(source)
    reports.push(r)
    const kept = r.samples.filter((s) => s.t >= SOAK.warmUpSeconds)
    const heapSlope = slope(kept.map((s) => ({ t: s.t, y: s.heapMB }))) * 60
    const rssSlope = slope(kept.map((s) => ({ t: s.t, y: s.rssMB }))) * 60
    console.log(`\n## ${source}: ${r.status}, ${fmt(r.records)} records read${r.produced === undefined ? '' : ` (${fmt(r.produced)} produced)`}, ${fmt(r.windows)} windows, ${r.checkpoints} checkpoints\n`)
    console.log(formatTable(['t (s)', 'records read', 'RSS MB', 'heap after GC MB'],
      r.samples.map((s) => [fmt(s.t), fmt(s.records), fmt(s.rssMB, 1), fmt(s.heapMB, 2)])))
    console.log(`\nslope after ${SOAK.warmUpSeconds} s: heap ${heapSlope >= 0 ? '+' : ''}${fmt(heapSlope, 3)} MB/min, RSS ${rssSlope >= 0 ? '+' : ''}${fmt(rssSlope, 2)} MB/min`)
  } catch (e) {
    failed = true
    console.error(`soak ${source} FAILED: ${(e as Error).message}`)
  }
}
console.log(`\nduring the runs: ${otherNote(others())} on average`)
console.log(`results: ${writeResults('soak', { environment: env, settings: SOAK, reports })}`)
process.exit(failed ? 1 : 0)
