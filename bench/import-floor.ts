/**
 * What the RSS floor of a process with oxiflow loaded is made of: RSS (anonymous and file-backed)
 * after a full GC, in fresh child processes (bench/import-floor-child.mjs), for bare Node, the
 * Node built-ins and packages oxiflow imports, and the whole package (dist/, bundled by
 * scripts/build.mjs). With `BENCH_BEFORE_ROOT`, also tsx alone and that checkout's sources under
 * tsx.
 *
 * Run: `npm run build && BENCH_BEFORE_ROOT=/tmp/wt-before npm run bench -- import-floor`.
 * Knob (env): BENCH_FLOOR_RUNS (child processes per variant, default 5).
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { environment, fmt, formatEnvironment, formatTable, otherNote, spread, watchOtherProcesses, writeResults } from './measure.ts'
import { oxiflowBuilds } from './oxiflow-builds.ts'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(benchDir, '..')
const runs = Number(process.env.BENCH_FLOOR_RUNS ?? 5)

interface Variant { readonly label: string; readonly nodeArgs: readonly string[]; readonly imports: readonly string[] }
interface ChildReport { rssMB: number; anonMB: number; fileMB: number; heapTotalMB: number; heapUsedMB: number; cjsModules: number }

const [dist, before] = oxiflowBuilds()

const variants: Variant[] = [
  { label: 'bare node', nodeArgs: [], imports: [] },
  { label: 'node:http, crypto, zlib, worker_threads, v8', nodeArgs: [], imports: ['node:http', 'node:crypto', 'node:zlib', 'node:worker_threads', 'node:v8'] },
  { label: 'rxjs', nodeArgs: [], imports: ['rxjs'] },
  { label: 'semver/functions/parse', nodeArgs: [], imports: ['semver/functions/parse.js'] },
  { label: '@bokuweb/zstd-wasm', nodeArgs: [], imports: ['@bokuweb/zstd-wasm'] },
  { label: 'dist/index.js (the package)', nodeArgs: [], imports: [dist!.entry] },
  { label: 'dist/index.js, --max-semi-space-size=1', nodeArgs: ['--max-semi-space-size=1'], imports: [dist!.entry] },
  ...(before ? [
    { label: 'tsx loaded, nothing imported', nodeArgs: before.nodeArgs, imports: [] },
    { label: `${before.label}: index.ts`, nodeArgs: before.nodeArgs, imports: [before.entry] },
  ] : []),
]

function runChild(v: Variant): ChildReport {
  const child = spawnSync(process.execPath, ['--expose-gc', ...v.nodeArgs, join(benchDir, 'import-floor-child.mjs'), ...v.imports], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
  if (child.status !== 0) throw new Error(`import-floor child '${v.label}' failed (exit ${child.status ?? child.signal}):\n${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as ChildReport
}

const env = environment()
console.log(`# RSS floor: what importing costs — ${runs} fresh processes per variant, after a full GC\n`)
console.log(formatEnvironment(env) + '\n')
const others = watchOtherProcesses()
const reports = new Map<string, ChildReport[]>(variants.map((v) => [v.label, []]))
for (let i = 0; i < runs; i++) for (const v of variants) reports.get(v.label)!.push(runChild(v))

const bare = spread(reports.get('bare node')!.map((r) => r.rssMB)).median
const med = (rs: ChildReport[], pick: (r: ChildReport) => number) => spread(rs.map(pick))
const rows = variants.map((v) => {
  const rs = reports.get(v.label)!
  const rss = med(rs, (r) => r.rssMB)
  return [v.label, `${fmt(rss.median, 1)} (${fmt(rss.min, 1)}–${fmt(rss.max, 1)})`, `${rss.median - bare >= 0 ? '+' : ''}${fmt(rss.median - bare, 1)}`,
    fmt(med(rs, (r) => r.anonMB).median, 1), fmt(med(rs, (r) => r.fileMB).median, 1), fmt(med(rs, (r) => r.heapTotalMB).median, 1), fmt(med(rs, (r) => r.cjsModules).median)]
})
console.log(formatTable(['imported', 'RSS MB, median (range)', 'vs bare', 'anonymous MB', 'file-backed MB', 'V8 heap total MB', 'CommonJS files'], rows))
console.log('\nEach variant in its own process; "vs bare" compares medians. File-backed pages are mostly the node binary\'s own code (shared between processes, counted in each RSS).')
const otherCores = others()
console.log(`during the runs: ${otherNote(otherCores)} on average`)
const path = writeResults('import-floor', { claim: 'RSS floor breakdown', environment: env, otherProcessesCores: otherCores, runs, variants, reports: Object.fromEntries(reports) })
console.log(`\nresults: ${path}`)
