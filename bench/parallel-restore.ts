/**
 * Issue 16's parallel-restore target: restore of keyed state split in two key-group shares on
 * 2 workers ≥ 1.7× faster than on 1 (each worker reads, checks, decompresses and decodes its own
 * share on its own thread), in one run, for two kinds of state, N keys each (BENCH_PR_KEYS,
 * default 1,000,000), file store in a temp dir, codec BENCH_PR_CODEC (default zstd):
 * 1. window state: `keyBy → window(tumbling, 1 year) → aggregate({ count, sum, avg, max })`,
 *    parallelism 2, 3 records per key (parallel-restore/window-module.ts);
 * 2. a `.process` Oxi's keyed Map holder, parallelism 2 (restore-module.ts, as bench/restore.ts),
 *    with the serial baseline of bench/restore.ts too: each share's blob read and decoded one
 *    after the other on the main thread (`readHolderState`).
 * Each restore is a new run with `restore: 'latest'` on 1 worker (both shares on one thread) or 2
 * workers, alternating, BENCH_PR_ROUNDS rounds (default 3); the figure is the job's own restore
 * time (`metrics().restore.durationMs`: manifest read → last holder restored), with run() → running
 * (worker start included) beside it, and the CPU the process spent during the restore, by thread
 * (Linux: main, worker threads, other threads — V8's garbage-collection and compiler helpers,
 * libuv's pool; sampled every 10 ms, so ±10–20 ms a thread): cores busy = CPU ÷ restore time, which
 * bounds what a second core can add. The CPU comes from 2 more rounds of each, after the timed
 * ones: the sampler's own CPU is not in the timed restores. Every restore is checked to have read the whole checkpoint.
 * Run: npm run bench -- parallel-restore, or node --expose-gc --import tsx bench/parallel-restore.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stores, type CodecName, type Job } from '../index.ts'
import { PipelineCheckpoints } from '../persistence/checkpoints/pipeline-checkpoints.ts'
import { readHolderState } from '../persistence/checkpoints/read-holder-state.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, spread, writeResults, type Spread } from './measure.ts'
import windowJob, { type WindowStateParams } from './parallel-restore/window-module.ts'
import mapJob, { type RestoreParams } from './restore-module.ts'
// @ts-expect-error: plain JavaScript without declarations
import { ThreadCpu } from './workers-pay/thread-cpu.mjs'

const keys = Number(process.env.BENCH_PR_KEYS ?? 1_000_000)
const rounds = Number(process.env.BENCH_PR_ROUNDS ?? 3)
const codec = (process.env.BENCH_PR_CODEC ?? 'zstd') as CodecName
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-pr-'))
const moduleOf = (file: string): string => new URL(file, import.meta.url).href
const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** CPU ms by thread (ThreadCpu's split). */
interface Cpu { main: number; workers: number; others: number }

/**
 * Waits until the job left `starting` (its restore is done; a failure surfaces here), sampling
 * the process's CPU by thread meanwhile; returns the CPU spent during the restore's last
 * `restoreMs()` ms (undefined off Linux).
 */
async function untilRunning(job: Job, cpu: ThreadCpu | undefined, restoreMs: () => number): Promise<Cpu | undefined> {
  const samples: { at: number; split: Cpu | undefined }[] = []
  // Every 10 ms (the kernel counts CPU in 10 ms ticks): reading /proc for each thread every ms
  // took ~100 ms of the main thread's CPU during a 1 s restore.
  let next = 0
  while (job.metrics().status === 'starting') {
    if (cpu !== undefined && performance.now() >= next) {
      cpu.sample()
      samples.push({ at: performance.now(), split: cpu.split() })
      next = performance.now() + 10
    }
    await tick()
  }
  if (job.metrics().status !== 'running') await job.done
  if (cpu === undefined) return undefined
  const end = performance.now()
  cpu.sample()
  const last: Cpu | undefined = cpu.split()
  const from = samples.findLast((s) => s.at <= end - restoreMs())?.split ?? samples[0]?.split
  if (!last || !from) return undefined
  return { main: last.main - from.main, workers: last.workers - from.workers, others: last.others - from.others }
}

interface Restored { reportedMs: number; wallMs: number; cpu: Cpu | undefined }
interface Kind {
  readonly name: string
  /** Takes the checkpoint to restore; returns its raw bytes. */
  take(store: string): Promise<number>
  /** One restore on `workers` workers, its CPU by thread sampled with `sampled`; ends the run. */
  restore(store: string, workers: 1 | 2, rawBytes: number, sampled: boolean): Promise<Restored>
  /** Extra rows (the serial baseline). */
  extra?(store: string): Promise<{ label: string; ms: Spread }[]>
}

/** The restore's duration, after checking it read a checkpoint of `rawBytes` (± `tolerance`, a fraction). */
function checked(job: Job, rawBytes: number, what: string, tolerance = 0): number {
  const r = job.metrics().restore
  if (r?.checkpointId === undefined || Math.abs((r.rawBytes ?? 0) - rawBytes) > tolerance * rawBytes) throw new Error(`${what}: restore reported ${JSON.stringify(r)}, expected ${rawBytes} raw bytes`)
  return r.durationMs ?? NaN
}

const haltFile = join(dir, 'halt')
const windowParams: WindowStateParams = { keys, haltFile }
const windows: Kind = {
  name: `window state: tumbling { count, sum, avg, max }, ${fmt(keys)} keys`,
  async take(store) {
    const job = windowJob(windowParams).run({ workers: 2, module: moduleOf('./parallel-restore/window-module.ts'), params: windowParams, store, codec, retain: 2 })
    while ((job.metrics().steps.stats?.recordsIn ?? 0) < 3 * keys) { if (job.metrics().status === 'failed') await job.done; await tick(20) }
    const c = await job.checkpoint()
    await halt(job)
    return c.rawBytes
  },
  async restore(store, workers, rawBytes, sampled) {
    const t = performance.now()
    const threads = sampled ? new ThreadCpu() : undefined
    const job = windowJob(windowParams).run({ workers, module: moduleOf('./parallel-restore/window-module.ts'), params: windowParams, store, codec, retain: 2, restore: 'latest' })
    const cpu = await untilRunning(job, threads, () => job.metrics().restore?.durationMs ?? 0)
    const wallMs = performance.now() - t
    const reportedMs = checked(job, rawBytes, `window state on ${workers} workers`)
    await halt(job)
    return { reportedMs, wallMs, cpu }
  },
}
async function halt(job: Job): Promise<void> {
  writeFileSync(haltFile, '')
  await job.done.catch(() => undefined)
  rmSync(haltFile)
}

const mapParams = (build: boolean): RestoreParams => ({ keys, parallelism: 2, build })
const maps: Kind = {
  name: `.process keyed Map holder, ${fmt(keys)} keys`,
  async take(store) {
    const job = mapJob(mapParams(true)).run({ workers: 2, module: moduleOf('./restore-module.ts'), params: mapParams(true), store, codec })
    await untilRunning(job, undefined, () => 0)
    await job.stop() // its final checkpoint holds the whole state
    return job.metrics().checkpoints?.last?.rawBytes ?? NaN
  },
  async restore(store, workers, rawBytes, sampled) {
    const t = performance.now()
    const threads = sampled ? new ThreadCpu() : undefined
    const job = mapJob(mapParams(false)).run({ workers, module: moduleOf('./restore-module.ts'), params: mapParams(false), store, codec, restore: 'latest' })
    const cpu = await untilRunning(job, threads, () => job.metrics().restore?.durationMs ?? 0)
    const wallMs = performance.now() - t
    // ± 1 %: the ticking source's position and the sink's figures change from one final checkpoint to the next.
    const reportedMs = checked(job, rawBytes, `Map state on ${workers} workers`, 0.01)
    await job.stop() // a final checkpoint of the same state (the ticks do not change it)
    return { reportedMs, wallMs, cpu }
  },
  async extra(storePath) {
    const store = stores.file(storePath)
    const [latest] = await new PipelineCheckpoints(store, 'restore-bench').list()
    if (!latest?.ok) throw new Error(`no readable checkpoint: ${JSON.stringify(latest)}`)
    const shares = latest.manifest.holders.filter((h) => h.stateId === 'state/users')
    const ms: number[] = []
    for (let i = 0; i < rounds; i++) {
      collectGarbage()
      const t = performance.now()
      for (const h of shares) if ((await readHolderState(store, latest.manifest, h) as Map<number, unknown>).size === 0) throw new Error('empty share')
      ms.push(performance.now() - t)
    }
    await store.close()
    return [{ label: `serial: ${shares.length} shares read and decoded one after the other, main thread`, ms: spread(ms) }]
  },
}

try {
  const env = environment()
  console.log(formatEnvironment(env))
  const results: unknown[] = []
  for (const kind of [windows, maps]) {
    const store = join(dir, kind === windows ? 'windows' : 'maps')
    const rawBytes = await kind.take(store)
    // Timed rounds without the CPU sampler (reading /proc for every thread every 10 ms took
    // ~100–300 ms of the main thread's CPU per restore, which a 2-worker restore on 2 busy cores
    // pays for), then rounds of each with it, for the CPU column only.
    const by = { 1: [] as Restored[], 2: [] as Restored[] }
    const sampled = { 1: [] as Restored[], 2: [] as Restored[] }
    for (let i = 0; i < rounds; i++) {
      for (const w of [1, 2] as const) { collectGarbage(); by[w].push(await kind.restore(store, w, rawBytes, false)) }
    }
    for (let i = 0; i < Math.min(rounds, 2); i++) {
      for (const w of [1, 2] as const) { collectGarbage(); sampled[w].push(await kind.restore(store, w, rawBytes, true)) }
    }
    const extra = await kind.extra?.(store) ?? []
    const one = spread(by[1].map((r) => r.reportedMs))
    const two = spread(by[2].map((r) => r.reportedMs))
    const mb = rawBytes / 1e6
    // CPU during the restore, medians by thread (ms), and cores busy: all threads' CPU ÷ restore time.
    const cpuOf = (rs: Restored[]): string => {
      const all = rs.filter((r) => r.cpu !== undefined) as (Restored & { cpu: Cpu })[]
      if (all.length === 0) return '—'
      const m = (f: (c: Cpu) => number): string => fmt(spread(all.map((r) => f(r.cpu))).median)
      const cores = spread(all.map((r) => (r.cpu.main + r.cpu.workers + r.cpu.others) / r.reportedMs))
      return `${m((c) => c.main)} / ${m((c) => c.workers)} / ${m((c) => c.others)}; ${cores.median.toFixed(2)} [${cores.min.toFixed(2)}–${cores.max.toFixed(2)}]`
    }
    const row = (label: string, s: Spread, wall?: Spread, cpu = '—'): string[] =>
      [label, `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`, fmt(mb / s.median * 1000), `${(s.median / two.median).toFixed(2)}×`, wall ? fmt(wall.median) : '—', cpu]
    console.log(`\n## Restore of ${kind.name} in 2 key-group shares (${fmt(mb, 1)} MB raw, codec ${codec}), medians of ${rounds} [range]\n`)
    console.log(formatTable(['restore', 'ms (restore report)', 'MB/s (raw)', '÷ 2 workers (target ≥ 1.7×)', 'run() → running, ms', 'CPU in the restore (sampled rounds), ms: main / workers / other threads; cores busy'], [
      ...extra.map((e) => row(e.label, e.ms)),
      row('1 worker (both shares on one thread)', one, spread(by[1].map((r) => r.wallMs)), cpuOf(sampled[1])),
      row('2 workers (one share each)', two, spread(by[2].map((r) => r.wallMs)), cpuOf(sampled[2])),
    ]))
    results.push({ kind: kind.name, rawBytes, oneWorker: by[1], twoWorkers: by[2], sampled, extra, speedup: one.median / two.median })
  }
  console.log(`\nresults: ${writeResults('parallel-restore', { environment: env, keys, codec, rounds, results })}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
