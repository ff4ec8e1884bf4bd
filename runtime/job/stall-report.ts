import type { StallWait } from '../contracts/job.ts'
import type { InstanceStats } from '../host/host.ts'
import type { Plan } from '../plan/plan.ts'

/**
 * The instances of a job that hold work up: each with messages queued or something it waits
 * for (a handler that has not settled, credit, a barrier, a sequence number), most queued first.
 *
 * @example
 * const waits = stallWaits(plan, stats) // [{ step: 'out', instance: 0, queued: 3, waiting: 'handling a message for 61.0 s …' }]
 */
export function stallWaits(plan: Plan, stats: readonly InstanceStats[]): StallWait[] {
  const out: StallWait[] = []
  for (const s of stats) {
    if (s.queueDepth === 0 && s.waiting === undefined) continue
    const steps = plan.vertices[s.vertex]?.steps.map((step) => step.name) ?? [`vertex ${s.vertex}`]
    out.push({ step: steps.join(' → '), instance: s.index, queued: s.queueDepth, waiting: s.waiting })
  }
  return out.sort((a, b) => b.queued - a.queued)
}

/**
 * The waits in words, one clause per instance.
 *
 * @example
 * describeWaits(waits) // "step 'out' #0: 3 message(s) queued, handling a message for 61.0 s (…)"
 */
export function describeWaits(waits: readonly StallWait[]): string {
  if (waits.length === 0) return 'no instance reports a queue or a wait'
  return waits.map((w) => `step '${w.step}' #${w.instance}: ${w.queued} message(s) queued${w.waiting === undefined ? '' : `, ${w.waiting}`}`).join('; ')
}

/**
 * A progress signature of a job: it changes whenever any actor handled a message (busy time
 * grows when a handler settles), a source read, or a record moved. Equal signatures a while
 * apart mean nothing moved in between.
 *
 * @example
 * if (progressOf(before) === progressOf(after)) idle()
 */
export function progressOf(stats: readonly InstanceStats[]): number {
  let p = 0
  for (const s of stats) {
    p += s.busyMs + s.blockedMs + (s.read?.batches ?? 0) + (s.read?.skipped ?? 0) + (s.alignment?.count ?? 0)
    for (const step of s.steps) p += step.recordsIn + step.recordsOut + step.failed
  }
  return p
}

/**
 * The records a job moved (read, handled, emitted, failed, skipped) and barriers aligned — not
 * time. Reads that come back empty move `progressOf` (busy time, empty batches sent on) but not
 * this: a bounded source spinning on an input that stopped yielding makes no progress.
 *
 * @example
 * if (recordsMovedOf(before) === recordsMovedOf(after)) noRecordMoved()
 */
export function recordsMovedOf(stats: readonly InstanceStats[]): number {
  let p = 0
  for (const s of stats) {
    p += (s.read?.skipped ?? 0) + (s.alignment?.count ?? 0)
    for (const step of s.steps) p += step.recordsIn + step.recordsOut + step.failed
  }
  return p
}
