/**
 * Issue 17's claims — a job on N worker threads runs faster than inline — on the two file jobs it
 * names, in one run: flights (BENCH_WP_LINES JSON lines, default 1,000,000, workers-pay/flights-file.ts)
 * 1. counted per origin, file to file (`jsonl → keyBy → .process → jsonl`), and the same without
 *    keyBy on 2 workers (each split counts its own: the keyed exchange's price, by difference);
 * 2. in hourly tumbling windows per origin (`count, avg, max` of the delay), JSONL in and out;
 * each as a single-thread hand loop (readline + JSON.parse + Map), inline, on 1 and on 2 workers.
 * Every run is a fresh `node` process on the built package (workers-pay/child.mjs; `npm run
 * build` first): no tsx anywhere, each run pays its own start and JIT as a CLI run does. Rounds
 * (BENCH_WP_ROUNDS, default 3) go round-robin over the variants. Per run: wall (start → output
 * written), running (from status `running`: worker start excluded), CPU of the process — this
 * thread, the job's worker threads, the other threads (V8's garbage collection and compiler
 * threads, libuv's pool) — and peak RSS. Every run's sorted output must equal the hand loop's.
 * BENCH_WP_NODE_FLAGS (e.g. '--single-threaded-gc') runs every variant a second time with those
 * node flags, in the same rounds, each compared with the inline run of its own flags.
 * Run: npm run build && npm run bench -- workers-pay
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { environment, fmt, formatEnvironment, formatTable, spread, writeResults, type Spread } from './measure.ts'
import { oxiflowBuilds } from './oxiflow-builds.ts'
import { writeFlights } from './workers-pay/flights-file.ts'

const lines = Number(process.env.BENCH_WP_LINES ?? 1_000_000)
const rounds = Number(process.env.BENCH_WP_ROUNDS ?? 3)
const benchDir = dirname(fileURLToPath(import.meta.url))

interface Variant { readonly label: string; readonly variant: 'hand' | 'oxiflow'; readonly workers: number; readonly keyed?: boolean; readonly nodeFlags?: readonly string[] }
interface RunReport {
  readonly wallMs: number
  readonly runningMs: number
  readonly cpuMs: number
  readonly threads?: { main: number; workers: number; others: number }
  readonly peakRssMb: number
  readonly outputLines: number
  readonly digest: string
}

/** Node/V8 flags (BENCH_WP_NODE_FLAGS, space-separated): every variant runs twice, without and with them, in one run. */
const nodeFlags = process.env.BENCH_WP_NODE_FLAGS?.split(/\s+/).filter((f) => f !== '') ?? []
if (nodeFlags.some((f) => !f.startsWith('--'))) throw new Error(`BENCH_WP_NODE_FLAGS takes flags ('--single-threaded-gc'), got '${process.env.BENCH_WP_NODE_FLAGS}'`)
const withFlags = (variants: readonly Variant[]): readonly Variant[] =>
  nodeFlags.length === 0 ? variants : [...variants, ...variants.map((v) => ({ ...v, label: `${v.label}, ${nodeFlags.join(' ')}`, nodeFlags }))]

const JOBS: readonly { job: 'count' | 'hourly'; title: string; variants: readonly Variant[] }[] = [
  { job: 'count', title: 'flights counted per origin, file to file', variants: [
    { label: 'hand loop (one thread)', variant: 'hand', workers: 0 },
    { label: 'inline', variant: 'oxiflow', workers: 0, keyed: true },
    { label: '1 worker', variant: 'oxiflow', workers: 1, keyed: true },
    { label: '2 workers', variant: 'oxiflow', workers: 2, keyed: true },
    { label: '2 workers, no keyBy (no exchange)', variant: 'oxiflow', workers: 2, keyed: false },
  ] },
  { job: 'hourly', title: 'flights in hourly windows per origin (count, avg, max), JSONL in and out', variants: [
    { label: 'hand loop (one thread)', variant: 'hand', workers: 0 },
    { label: 'inline', variant: 'oxiflow', workers: 0 },
    { label: '1 worker', variant: 'oxiflow', workers: 1 },
    { label: '2 workers', variant: 'oxiflow', workers: 2 },
  ] },
]

function runChild(spec: object, flags: readonly string[] = []): RunReport {
  const child = spawnSync(process.execPath, [...flags, join(benchDir, 'workers-pay', 'child.mjs'), JSON.stringify(spec)], { cwd: join(benchDir, '..'), encoding: 'utf8', timeout: 600_000 })
  if (child.status !== 0) throw new Error(`workers-pay child ${JSON.stringify(spec)} failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as RunReport
}

const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-workers-pay-'))
try {
  oxiflowBuilds() // throws when dist/ is missing
  const env = environment()
  console.log(formatEnvironment(env))
  const input = join(dir, 'flights.jsonl')
  const bytes = writeFlights(input, lines)
  const results: unknown[] = []
  for (const { job, title, variants: listed } of JOBS) {
    const variants = withFlags(listed)
    const runs = variants.map(() => [] as RunReport[])
    for (let round = 0; round < rounds; round++) {
      for (const [i, v] of variants.entries()) {
        const report = runChild({ job, variant: v.variant, workers: v.workers, keyed: v.keyed ?? true, input, output: join(dir, `out-${job}-${i}.jsonl`) }, v.nodeFlags)
        const expected = runs[0]![0] ?? report
        // Without keyBy each split counts its own records: its lines differ, its total must not.
        if (v.keyed !== false && report.digest !== expected.digest) throw new Error(`${job}, ${v.label}: output differs from the hand loop's (${report.outputLines} lines, digest ${report.digest}; expected ${expected.outputLines}, ${expected.digest})`)
        runs[i]!.push(report)
        console.log(`  ${job} round ${round + 1} ${v.label.padEnd(34)} wall ${fmt(report.wallMs).padStart(6)} ms  cpu ${fmt(report.cpuMs).padStart(6)} ms  rss ${fmt(report.peakRssMb)} MB`)
      }
    }
    const med = (i: number, f: (r: RunReport) => number): Spread => spread(runs[i]!.map(f))
    const hand = med(0, (r) => r.wallMs).median
    // The inline run with the same flags is each variant's reference.
    const inlineOf = (v: Variant): { running: number; cpu: number; rss: number } => {
      const i = variants.findIndex((x) => x.variant === 'oxiflow' && x.workers === 0 && x.nodeFlags === v.nodeFlags)
      return { running: med(i, (r) => r.runningMs).median, cpu: med(i, (r) => r.cpuMs).median, rss: med(i, (r) => r.peakRssMb).median }
    }
    const inline = inlineOf(variants[0]!)
    const range = (s: Spread): string => `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`
    console.log(`\n## ${title}: ${fmt(lines)} lines (${fmt(bytes / 1e6)} MB), medians of ${rounds} fresh processes [range]\n`)
    console.log(formatTable(['variant', 'wall ms', 'running ms', 'CPU ms', 'CPU: main / workers / other threads', 'peak RSS MB', 'wall ÷ hand loop', 'throughput running × inline', 'CPU × inline', 'RSS × inline'],
      variants.map((v, i) => {
        const wall = med(i, (r) => r.wallMs); const running = med(i, (r) => r.runningMs); const cpu = med(i, (r) => r.cpuMs); const rss = med(i, (r) => r.peakRssMb)
        const t = runs[i]!.map((r) => r.threads).filter((x) => x !== undefined)
        const split = t.length === 0 ? '—' : ['main', 'workers', 'others'].map((k) => fmt(spread(t.map((x) => x[k as 'main'])).median)).join(' / ')
        const oxi = v.variant === 'oxiflow'
        const ref = inlineOf(v)
        return [v.label, range(wall), oxi ? fmt(running.median) : '—', range(cpu), split, fmt(rss.median), `${(wall.median / hand).toFixed(2)}×`,
          oxi ? `${(ref.running / running.median).toFixed(2)}×` : '—', oxi ? `${(cpu.median / ref.cpu).toFixed(2)}×` : '—', oxi ? `${(rss.median / ref.rss).toFixed(2)}×` : '—']
      })))
    const two = variants.findIndex((v) => v.workers === 2 && v.keyed !== false)
    const w2 = { wall: med(two, (r) => r.wallMs).median, running: med(two, (r) => r.runningMs).median, cpu: med(two, (r) => r.cpuMs).median, rss: med(two, (r) => r.peakRssMb).median }
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED')
    console.log(`\n2 workers: wall ${(w2.wall / hand).toFixed(2)}× the hand loop's (target ≤ 0.9×: ${verdict(w2.wall / hand <= 0.9)}); ` +
      `throughput while running ${(inline.running / w2.running).toFixed(2)}× inline (target ≥ 1.6×: ${verdict(inline.running / w2.running >= 1.6)}); ` +
      `CPU ${(w2.cpu / inline.cpu).toFixed(2)}× inline (target ≤ 1.15×: ${verdict(w2.cpu / inline.cpu <= 1.15)}); RSS ${(w2.rss / inline.rss).toFixed(2)}× inline (target ≤ 1.2×: ${verdict(w2.rss / inline.rss <= 1.2)})\n`)
    results.push({ job, title, variants: variants.map((v, i) => ({ ...v, runs: runs[i] })) })
  }
  console.log(`results: ${writeResults('workers-pay', { environment: env, lines, bytes, rounds, results })}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
