/**
 * Claims of the issue on checkpoints across worker threads, measured in one run:
 * 1. restore of a large keyed state (1M keys in 2 key-group shares): serial — each holder's blob
 *    read, checked, decompressed and deserialized one after the other on one thread — against
 *    the job's restore on 2 workers (each worker restores its own share on its own thread,
 *    concurrently) and inline; and time from run() to the first output, restored and fresh;
 * 2. workload W with real windows on 2 workers, with a checkpoint every 1 s against none;
 * 3. barrier alignment and trigger-to-commit, p50 and p99, under backpressure (slow sink, 2 workers).
 * Run: node --expose-gc --import tsx bench/restore.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PipelineCheckpoints } from '../persistence/checkpoints/pipeline-checkpoints.ts'
import { readHolderState } from '../persistence/checkpoints/read-holder-state.ts'
import { stores, type Job } from '../index.ts'
import backpressureJob from './backpressure-module.ts'
import { collectGarbage, environment, formatEnvironment, spread } from './measure.ts'
import restoreJob, { firstOutput, type RestoreParams } from './restore-module.ts'
import wJob from './w-module.ts'

const rounds = Number(process.env.BENCH_RESTORE_ROUNDS ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-restore-'))
const moduleOf = (file: string): string => new URL(file, import.meta.url).href
const keys = 1_000_000

async function untilRunning(job: Job): Promise<void> {
  while (job.metrics().status === 'starting') await new Promise((r) => setTimeout(r, 1))
  if (job.metrics().status !== 'running') await job.done // a failure surfaces here
}

const ms = (x: number): string => `${x.toFixed(0)} ms`
const p = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!

async function restoreClaims(): Promise<void> {
  const storePath = join(dir, 'restore')
  const params: RestoreParams = { keys, parallelism: 2, build: true }
  const module = moduleOf('./restore-module.ts')
  const taking = restoreJob(params).run({ workers: 2, module, params, store: storePath, codec: 'zstd' })
  await untilRunning(taking)
  await taking.stop() // the final checkpoint holds the whole state
  const store = stores.file(storePath)
  const cs = new PipelineCheckpoints(store, 'restore-bench')
  const [latest] = await cs.list()
  if (!latest?.ok) throw new Error(`no readable checkpoint to restore: ${JSON.stringify(latest)}`)
  const manifest = latest.manifest
  const raw = manifest.holders.reduce((n, h) => n + h.rawBytes, 0) / 2 ** 20
  const stored = manifest.holders.reduce((n, h) => n + h.storedBytes, 0) / 2 ** 20
  const big = manifest.holders.filter((h) => h.stateId === 'state/users')

  const serial: number[] = []
  for (let i = 0; i < rounds; i++) {
    collectGarbage()
    const t = performance.now()
    for (const h of big) {
      const state = await readHolderState(store, manifest, h) as Map<number, Map<string, number>>
      if (state.size === 0) throw new Error('empty share')
    }
    serial.push(performance.now() - t)
  }

  const restored = async (workers: number): Promise<{ restore: number; first: number; fresh: number }> => {
    const run = async (restore: boolean): Promise<{ restore: number; first: number }> => {
      collectGarbage()
      firstOutput.at = undefined
      const started = Date.now()
      const ps: RestoreParams = { keys, parallelism: 2, build: false }
      const job = restoreJob(ps).run({ workers, ...(workers > 0 && { module, params: ps }), store: storePath, ...(restore && { restore: 'latest' as const }) })
      await untilRunning(job)
      const restoreMs = job.metrics().restore?.durationMs ?? 0
      while (firstOutput.at === undefined) await new Promise((r) => setTimeout(r, 1))
      const first = firstOutput.at - started
      // The final checkpoint of this stop holds the same state (the ticks do not change it).
      await job.stop()
      return { restore: restoreMs, first }
    }
    const rs: number[] = []
    const firsts: number[] = []
    const freshes: number[] = []
    for (let i = 0; i < rounds; i++) {
      const r = await run(true)
      rs.push(r.restore)
      firsts.push(r.first)
      freshes.push((await runFresh(workers)))
    }
    return { restore: spread(rs).median, first: spread(firsts).median, fresh: spread(freshes).median }
  }
  const runFresh = async (workers: number): Promise<number> => {
    firstOutput.at = undefined
    const started = Date.now()
    const ps: RestoreParams = { keys, parallelism: 2, build: false }
    const job = restoreJob(ps).run({ workers, ...(workers > 0 && { module, params: ps }) })
    while (firstOutput.at === undefined) await new Promise((r) => setTimeout(r, 1))
    const first = firstOutput.at - started
    await job.stop()
    return first
  }
  const two = await restored(2)
  const inline = await restored(0)
  const s = spread(serial).median
  console.log(`\n## Restore of a keyed state of ${keys.toLocaleString('en')} keys in 2 key-group shares (file store, zstd: ${raw.toFixed(1)} MB raw, ${stored.toFixed(1)} MB stored)\n`)
  console.log('| restore | time (median of ' + rounds + ') | MB/s (raw) | vs serial | run() → first output (fresh start) |\n|:--|--:|--:|--:|--:|')
  console.log(`| serial: one holder after the other, one thread | ${ms(s)} | ${(raw / s * 1000).toFixed(0)} | 1.00× | — |`)
  console.log(`| inline job (both shares on the main thread, reads overlapping) | ${ms(inline.restore)} | ${(raw / inline.restore * 1000).toFixed(0)} | ${(s / inline.restore).toFixed(2)}× | ${ms(inline.first)} (${ms(inline.fresh)}) |`)
  console.log(`| 2 workers (each restores its share on its own thread) | ${ms(two.restore)} | ${(raw / two.restore * 1000).toFixed(0)} | ${(s / two.restore).toFixed(2)}× | ${ms(two.first)} (${ms(two.fresh)}) |`)
  await store.close()
}

async function wWithCheckpoints(): Promise<void> {
  const module = moduleOf('./w-module.ts')
  const variants: [string, number | undefined][] = [['no checkpoints', undefined], ['checkpoint every 1 s', 1000]]
  const times = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  const taken = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  for (let round = 0; round <= rounds; round++) {
    for (const [label, interval] of variants) {
      collectGarbage()
      const params = { windows: true }
      const job = wJob(params).run({ workers: 2, module, params, ...(interval !== undefined && { store: join(dir, `w-${round}`), checkpointInterval: interval }) })
      await untilRunning(job)
      const t = performance.now()
      const summary = await job.done
      if (round > 0) { times.get(label)!.push(performance.now() - t); taken.get(label)!.push(summary.checkpoints?.completed ?? 0) }
    }
  }
  const base = spread(times.get('no checkpoints')!).median
  console.log('\n## Workload W (5M events, real keyed lengthBatch(100) windows) on 2 workers, file store, zstd\n')
  console.log('| variant | running time, median (range) | time vs none | checkpoints per run |\n|:--|--:|--:|:--|')
  for (const [label] of variants) {
    const s = spread(times.get(label)!)
    console.log(`| ${label} | ${ms(s.median)} (${ms(s.min)}–${ms(s.max)}) | ${(100 * (s.median - base) / base).toFixed(1)} % | ${taken.get(label)!.join(', ')} |`)
  }
}

async function alignmentUnderBackpressure(): Promise<void> {
  const params = { sinkMs: 5 }
  const job = backpressureJob(params).run({ workers: 2, module: moduleOf('./backpressure-module.ts'), params, store: join(dir, 'bp'), retain: 2 })
  await untilRunning(job)
  await new Promise((r) => setTimeout(r, 500)) // the channels fill up
  const sink: number[] = []
  const keyed: number[] = []
  const commits: number[] = []
  for (let i = 0; i < 40; i++) {
    const c = await job.checkpoint()
    commits.push(c.durationMs)
    sink.push(job.metrics().steps.slow.alignment.lastMs)
    await new Promise((r) => setTimeout(r, 110)) // worker figures are fetched at most every 100 ms
    job.metrics()
    await new Promise((r) => setTimeout(r, 110))
    keyed.push(job.metrics().steps.pass.alignment.lastMs)
  }
  await job.stop()
  console.log('\n## Barrier alignment under backpressure (unbounded generator → keyed step on 2 workers → sink taking 5 ms per batch; 40 checkpoints)\n')
  console.log('| figure | p50 | p99 |\n|:--|--:|--:|')
  console.log(`| alignment at the keyed step (one input: the generator; slowest of 2 instances) | ${keyed.length ? p(keyed, 0.5).toFixed(1) : '-'} ms | ${p(keyed, 0.99).toFixed(1)} ms |`)
  console.log(`| alignment at the sink (2 inputs, one per keyed instance) | ${p(sink, 0.5).toFixed(1)} ms | ${p(sink, 0.99).toFixed(1)} ms |`)
  console.log(`| trigger → commit | ${p(commits, 0.5).toFixed(1)} ms | ${p(commits, 0.99).toFixed(1)} ms |`)
}

try {
  console.log(formatEnvironment(environment()))
  await restoreClaims()
  await wWithCheckpoints()
  await alignmentUnderBackpressure()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
