/**
 * Claim of the package issue: a worker thread starts in ≤ 150 ms (goal 50 ms) now that workers run
 * the compiled package instead of compiling TypeScript through tsx.
 *
 * Runs bench/worker-start-child.mjs in fresh child processes, alternating between the compiled
 * package (plain `node`, `dist/index.js`, workers from `dist/worker.js`) and,
 * with `BENCH_BEFORE_ROOT=<checkout>`, that checkout's sources under tsx. Per worker count N:
 * - hosts ready: `new Worker(host entry)` until all N hosts answer over comlink (ready to deploy);
 * - `run({ workers: N })` of a tiny job, end to end, minus the same job inline.
 *
 * Run: `npm run build && BENCH_BEFORE_ROOT=/tmp/wt-before npm run bench -- worker-start`.
 * Knobs (env): BENCH_WS_PROCS (child processes per build, default 3), BENCH_WS_ROUNDS (timed
 * rounds per process after one warm-up, default 5).
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { environment, fmt, formatEnvironment, formatTable, otherNote, spread, watchOtherProcesses, writeResults } from './measure.ts'
import { oxiflowBuilds, type OxiflowBuild } from './oxiflow-builds.ts'

const benchDir = dirname(fileURLToPath(import.meta.url))
const procs = Number(process.env.BENCH_WS_PROCS ?? 3)
const rounds = Number(process.env.BENCH_WS_ROUNDS ?? 5)
const COUNTS = [1, 2, 4] as const

/** What the child prints: ms per worker count, the warm-up round apart. */
interface ChildReport {
  readonly empty: { cold: number; ms: number[] }
  readonly ready: Record<string, { cold: number; ms: number[] }>
  readonly runs: Record<string, { cold: number; ms: number[] }>
}

function runChild(build: OxiflowBuild): ChildReport {
  const child = spawnSync(process.execPath, [...build.nodeArgs, join(benchDir, 'worker-start-child.mjs'), build.entry, String(rounds)], {
    cwd: join(benchDir, '..'), encoding: 'utf8', timeout: 300_000,
  })
  if (child.status !== 0) throw new Error(`worker-start child (${build.label}) failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as ChildReport
}

const env = environment()
console.log(`# Worker start — ${procs} processes per build, ${rounds} timed rounds each after a warm-up\n`)
console.log(formatEnvironment(env) + '\n')
const builds = oxiflowBuilds()
const others = watchOtherProcesses()
const reports = new Map<string, ChildReport[]>(builds.map((b) => [b.label, []]))
for (let i = 0; i < procs; i++) {
  for (const build of builds) {
    reports.get(build.label)!.push(runChild(build))
    console.log(`  process ${i + 1} ${build.label} done`)
  }
}

const range = (ms: number[], digits = 0) => { const s = spread(ms); return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` }
const rows: string[][] = []
const results: Record<string, unknown> = {}
for (const build of builds) {
  const rs = reports.get(build.label)!
  const all = (pick: (r: ChildReport) => number[]) => rs.flatMap(pick)
  const inline = spread(all((r) => r.runs['0']!.ms)).median
  const empty = all((r) => r.empty.ms)
  rows.push([build.label, 'empty worker (Node alone)', range(empty), fmt(spread(empty).median), range(rs.map((r) => r.empty.cold)), '', ''])
  for (const n of COUNTS) {
    const ready = all((r) => r.ready[n]!.ms)
    const cold = rs.map((r) => r.ready[n]!.cold)
    const run = all((r) => r.runs[n]!.ms)
    rows.push([build.label, String(n), range(ready), fmt(spread(ready).median / n), range(cold), range(run.map((ms) => ms - inline)), fmt((spread(run).median - inline) / n)])
    results[`${build.label} ${n}`] = { ready, cold, run, inline, empty }
  }
}
console.log('\n' + formatTable(
  ['build', 'workers', 'hosts ready ms, median (range)', 'per worker', 'first in process', 'run() − inline ms', 'per worker'],
  rows,
))
console.log('\nempty worker: new Worker of one line posting a message (no oxiflow), the floor of any worker start.')
console.log('hosts ready: new Worker(host entry) until every host answers stats() over comlink; first in process: the warm-up round.')
console.log('run() − inline: run({ workers: N, module }) of a tiny job (1,000 records, keyBy, running sum) to done, minus the same job inline.')
const otherCores = others()
console.log(`during the runs: ${otherNote(otherCores)} on average`)
const path = writeResults('worker-start', { claim: 'worker start', environment: env, otherProcessesCores: otherCores, procs, rounds, builds, results })
console.log(`\nresults: ${path}`)
