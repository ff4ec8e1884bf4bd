/**
 * What threads can give on this machine, with nothing of oxiflow in them: N worker threads each
 * do the same work at once (bench/thread-ceiling/work.mjs) and their throughput is compared with
 * one thread's. It is the ceiling for issue 16's parallel restore (≥ 1.7× on 2 workers) and
 * issue 17's "2 workers ≥ 1.6× inline": on a machine where two bare threads reach 1.5×, no job
 * on two workers reaches more. Kinds of work:
 * - parse: 1M flight-like JSON lines parsed and counted per origin (the JSONL jobs' own work);
 * - deserialize: `v8.deserialize` of a Map of 500k string keys (one share of the parallel-restore
 *   bench's Map holder);
 * - fresh memory: 64 MiB of new memory touched once per page (page faults).
 * Threads are started and have built their input before the clock starts; 'go' reaches them
 * together. Throughput × = N · (one thread's time) / (the slowest of N threads' time), per round,
 * rounds alternating N (BENCH_TC_ROUNDS, default 5); N = 1, 2, 4 … up to the core count
 * (BENCH_TC_THREADS: a comma-separated list instead).
 * Run: npm run bench -- thread-ceiling
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { environment, fmt, formatEnvironment, formatTable, otherNote, spread, watchOtherProcesses, writeResults } from './measure.ts'

const rounds = Number(process.env.BENCH_TC_ROUNDS ?? 5)
const cores = availableParallelism()
const counts = process.env.BENCH_TC_THREADS?.split(',').map(Number) ?? [1, ...[2, 4, 8, 16, 32].filter((n) => n <= cores)]
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_TC_THREADS must list whole numbers ≥ 1, got '${process.env.BENCH_TC_THREADS}'`)
if (!counts.includes(1)) counts.unshift(1)
const kinds = [
  { kind: 'parse', units: 1_000_000, what: 'JSON.parse + Map count, 1M lines' },
  { kind: 'deserialize', units: 500_000, what: 'v8.deserialize of a 500k-key Map' },
  { kind: 'fresh', units: 64, what: '64 MiB of fresh memory, a write per page' },
] as const
const work = new URL('./thread-ceiling/work.mjs', import.meta.url)

/** Milliseconds each of `n` threads took for one unit of `kind`'s work, done at once. */
async function together(n: number, kind: string, units: number): Promise<number[]> {
  const workers = Array.from({ length: n }, () => new Worker(work, { workerData: { kind, units } }))
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => { w.once('message', () => resolve()); w.once('error', reject) })))
    const done = workers.map((w) => new Promise<number>((resolve, reject) => { w.once('message', resolve); w.once('error', reject) }))
    for (const w of workers) w.postMessage('go')
    return await Promise.all(done)
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

const env = environment()
console.log(formatEnvironment(env) + '\n')
const results: unknown[] = []
for (const k of kinds) {
  const slowest = new Map<number, number[]>(counts.map((n) => [n, []]))
  const others = watchOtherProcesses()
  for (let round = 0; round <= rounds; round++) {
    for (const n of counts) {
      const ms = await together(n, k.kind, k.units)
      if (round > 0) slowest.get(n)!.push(Math.max(...ms)) // round 0 warms the machine up
    }
  }
  const one = spread(slowest.get(1)!)
  const rows = counts.map((n) => {
    const s = spread(slowest.get(n)!)
    const perRound = slowest.get(n)!.map((ms, i) => n * slowest.get(1)![i]! / ms)
    const x = spread(perRound)
    return { threads: n, ms: s, throughput: x, row: [String(n), `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`, `${(s.median / one.median).toFixed(2)}×`, `${x.median.toFixed(2)}× [${x.min.toFixed(2)}–${x.max.toFixed(2)}]`, `${(x.median / n * 100).toFixed(0)} %`] }
  })
  console.log(`## ${k.what}: ${rounds} rounds after a warm-up, medians [range]\n`)
  console.log(formatTable(['threads', 'ms, slowest thread', 'time × 1 thread', 'throughput × 1 thread', 'per thread'], rows.map((r) => r.row)))
  console.log(`\nduring the runs: ${otherNote(others())}\n`)
  results.push({ kind: k.kind, what: k.what, units: k.units, rows: rows.map(({ row: _, ...r }) => r) })
}
console.log(`results: ${writeResults('thread-ceiling', { environment: env, rounds, counts, results })}`)
