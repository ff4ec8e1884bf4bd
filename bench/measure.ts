/**
 * Measuring helpers shared by the bench scripts: repeated timing with spread, the environment a
 * number was taken in (machine, cores, Node, library versions), tables, and the results file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(benchDir, '..')

/** Median and spread of a few runs. */
export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: readonly number[]
}

/**
 * Median, min and max of the samples (median of an even count: mean of the two middle ones).
 *
 * @example
 * spread([3, 1, 2]) // { median: 2, min: 1, max: 3, runs: [3, 1, 2] }
 */
export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spread() needs at least one sample')
  const s = [...samples].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { median, min: s[0]!, max: s[s.length - 1]!, runs: samples }
}

/**
 * Runs a full collection when the process was started with `--expose-gc` (bench/run.ts does),
 * so one run's garbage is not collected inside the next run's timing.
 *
 * @example
 * collectGarbage(); const t = performance.now()
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) gc()
}

/**
 * Times `fn` once, in milliseconds, after a full GC.
 *
 * @example
 * const { ms, value } = await timeOnce(() => work())
 */
export async function timeOnce<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  collectGarbage()
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

/** Where a measurement was taken. */
export interface Environment {
  readonly date: string
  readonly machine: string
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly node: string
  readonly gcExposed: boolean
  /** 1, 5 and 15-minute load averages at the start (they lag: see watchOtherProcesses). */
  readonly loadAverage: readonly number[]
  readonly libraries: Readonly<Record<string, string>>
}

/**
 * The installed version of a package, read from `node_modules/<name>/package.json`.
 *
 * @example
 * libraryVersion('rxjs') // '7.8.2'
 */
export function libraryVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'))
    return String(pkg.version)
  } catch (error) {
    return `not installed (${(error as Error).message.split('\n')[0]})`
  }
}

/**
 * The environment of this process, for a results table.
 *
 * @example
 * console.log(formatEnvironment(environment()))
 */
export function environment(): Environment {
  const oxiflow = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string
  return {
    date: new Date().toISOString(),
    machine: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    libraries: { oxiflow, rxjs: libraryVersion('rxjs'), tsx: libraryVersion('tsx'), typescript: libraryVersion('typescript') },
  }
}

/**
 * The environment as a few lines of text.
 *
 * @example
 * console.log(formatEnvironment(environment()))
 */
export function formatEnvironment(env: Environment): string {
  const libs = Object.entries(env.libraries).map(([k, v]) => `${k} ${v}`).join(', ')
  return [
    `machine: ${env.machine}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}`,
    `node: ${env.node}${env.gcExposed ? ' (--expose-gc)' : ''}; ${libs}`,
    `date: ${env.date}; load average ${env.loadAverage.join(' ')}`,
  ].join('\n')
}

/** Jiffies the whole machine spent busy, and those this process and its reaped children spent. */
function cpuJiffies(): { machine: number; own: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const machine = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!
    const self = readFileSync('/proc/self/stat', 'utf8')
    // Fields after the parenthesised command name start at field 3; utime..cstime are 14..17.
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number)
    return { machine, own: f[11]! + f[12]! + f[13]! + f[14]! }
  } catch {
    return undefined // not Linux: no /proc; the figure is reported as unknown
  }
}

/**
 * Starts watching the CPU time other processes use (Linux `/proc`); the returned function gives
 * the average number of cores they kept busy since the start (`undefined` where unknown). Load
 * averages lag by a minute, so this is what says whether a run shared its cores. Resolution is
 * one clock tick (10 ms) per core, so short windows read coarsely.
 *
 * @example
 * const others = watchOtherProcesses(); work(); console.log(others()) // e.g. 0.03 cores
 */
export function watchOtherProcesses(): () => number | undefined {
  const start = cpuJiffies()
  const t0 = performance.now()
  return () => {
    const end = cpuJiffies()
    if (!start || !end) return undefined
    const seconds = (performance.now() - t0) / 1000
    const otherTicks = (end.machine - start.machine) - (end.own - start.own)
    return Math.max(0, otherTicks / 100 / seconds)
  }
}

/**
 * Text for the CPU other processes used, with a warning above a quarter of a core.
 *
 * @example
 * otherNote(0.02) // 'other processes: 0.02 cores'
 */
export function otherNote(cores: number | undefined): string {
  if (cores === undefined) return 'other processes: unknown'
  const text = `other processes: ${cores.toFixed(2)} cores`
  return cores > 0.25 ? `${text} — SHARED CPU: numbers are unreliable` : text
}

/**
 * A Markdown table (pipes), right-aligning every column but the first.
 *
 * @example
 * formatTable(['variant', 'ms'], [['hand', '12']])
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const cell = (text: string, i: number) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!))
  const line = (r: readonly string[]) => `| ${r.map(cell).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

/**
 * A number with thousands separators and `digits` decimals.
 *
 * @example
 * fmt(1234567.8) // '1,234,568'
 */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/**
 * Writes a results object to `bench/results/<name>-<timestamp>.json` (gitignored) and returns
 * the path.
 *
 * @example
 * writeResults('w-throughput', { environment: environment(), rows })
 */
export function writeResults(name: string, data: unknown): string {
  const dir = join(benchDir, 'results')
  mkdirSync(dir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const path = join(dir, `${name}-${stamp}.json`)
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n')
  return path
}
