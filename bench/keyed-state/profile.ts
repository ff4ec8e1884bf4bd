/**
 * `BENCH_KS_PROFILE` of bench/keyed-state.ts: one more checkpoint (`1` or `checkpoint`) or one
 * more restore (`restore`) under the V8 sampling profiler (the one `--cpu-prof` uses, scoped to
 * it), its top functions by self and inclusive time.
 */
import { Session } from 'node:inspector/promises'
import { basename } from 'node:path'
import type { Job } from '../../index.ts'
import { fmt, formatTable } from '../measure.ts'

/**
 * Takes one checkpoint of `job` under the profiler; returns the figures as text.
 *
 * @example
 * console.log(await profiledCheckpoint(run.job))
 */
export async function profiledCheckpoint(job: Job): Promise<string> {
  let took = ''
  const text = await profiled(async () => {
    const c = await job.checkpoint()
    took = `profiled checkpoint: ${fmt(c.durationMs)} ms (alignment ${fmt(c.alignmentMs)} ms)`
  })
  return `${took}, ${text}`
}

/**
 * Runs `restore` (a restore until it is reported) under the profiler; returns the figures as text.
 *
 * @example
 * console.log(await profiledRestore(() => restoreOnce()))
 */
export async function profiledRestore(restore: () => Promise<number>): Promise<string> {
  let ms = 0
  const text = await profiled(async () => { ms = await restore() })
  return `profiled restore: ${fmt(ms)} ms, ${text}`
}

async function profiled(what: () => Promise<void>): Promise<string> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  await what()
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  // Self time per function, and inclusive time (each function counted once per sampled stack).
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)))
  const nameOf = (id: number): string => {
    const f = byId.get(id)!.callFrame
    return `${f.functionName || '(anonymous)'}${f.url ? ` (${basename(f.url)})` : ''}`
  }
  const add = (m: Map<string, number>, k: string, ms: number): void => { m.set(k, (m.get(k) ?? 0) + ms) }
  profile.samples!.forEach((id, i) => {
    const ms = profile.timeDeltas![i]! / 1000
    add(self, nameOf(id), ms)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(nameOf(at))
    for (const n of seen) add(inclusive, n, ms)
  })
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const table = (m: Map<string, number>, what: string): string => formatTable([`function (${what})`, 'ms', 'share'],
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([n, ms]) => [n, fmt(ms), `${(100 * ms / total).toFixed(1)} %`]))
  return `${fmt(total)} ms sampled ` +
    `(shares are of the sampled time; 'dispatch' is the profiler's own start and stop)\n\n${table(self, 'self time')}\n\n${table(inclusive, 'inclusive time')}`
}
