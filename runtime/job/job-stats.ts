import type { HostResults, InstanceStats } from '../host/host.ts'
import type { AlignmentStats } from '../contracts/job.ts'
import type { StepSummary } from '../contracts/job.ts'
import type { Plan } from '../plan/plan.ts'
import type { RecordError } from '../contracts/record-error.ts'
import { newestRecordErrors } from '../host/record-errors.ts'

/**
 * A step's totals plus the live-only figures. A source's `bytesTotal` sums the instances that
 * know the bytes their split reads (`totalParts` of them: progress is known once all do), and
 * `partBytes` what those instances read.
 */
export type StepTotals = { -readonly [K in keyof StepSummary]: StepSummary[K] } & { backpressureMs: number; queueDepth: number; alignment: AlignmentStats;
  batches?: number; bytes?: number; bytesTotal?: number; partBytes?: number; totalParts?: number; errors?: RecordError[] }

/** How many dropped records' errors a step shows (`metrics().steps[name].errors`), from all its instances. */
export const STEP_RECORD_ERRORS = 10

/**
 * Adds up instance figures per step. Fused steps share their actor's busy, backpressure and
 * queue figures (one actor runs them all).
 */
export function stepTotals(plan: Plan, stats: readonly InstanceStats[]): Record<string, StepTotals> {
  const totals: Record<string, StepTotals> = {}
  for (const v of plan.vertices) {
    for (const step of v.steps) {
      totals[step.name] = { kind: step.spec.kind, parallelism: v.parallelism, recordsIn: 0, recordsOut: 0, failed: 0, busyMs: 0, backpressureMs: 0, queueDepth: 0,
        alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 } }
    }
  }
  for (const inst of stats) {
    for (const s of inst.steps) {
      const t = totals[s.step]
      t.recordsIn += s.recordsIn
      t.recordsOut += s.recordsOut
      t.failed += s.failed
      if (s.late !== undefined) t.late = (t.late ?? 0) + s.late
      if (s.errors && s.errors.length > 0) t.errors = newestRecordErrors([t.errors ?? [], s.errors], STEP_RECORD_ERRORS)
      t.busyMs += inst.busyMs
      t.backpressureMs += inst.blockedMs
      t.queueDepth += inst.queueDepth
      if (inst.read && s.step === inst.read.step) {
        t.batches = (t.batches ?? 0) + inst.read.batches
        if (inst.read.bytes !== undefined) t.bytes = (t.bytes ?? 0) + inst.read.bytes
        if (inst.read.bytesTotal !== undefined) {
          t.bytesTotal = (t.bytesTotal ?? 0) + inst.read.bytesTotal
          t.partBytes = (t.partBytes ?? 0) + (inst.read.bytes ?? 0)
          t.totalParts = (t.totalParts ?? 0) + 1
        }
      }
      const a = inst.alignment
      // Per step: alignments counted once per instance; the last and longest are the slowest instance's.
      if (a) t.alignment = { count: t.alignment.count + a.count, totalMs: t.alignment.totalMs + a.totalMs,
        maxMs: Math.max(t.alignment.maxMs, a.maxMs), lastMs: Math.max(t.alignment.lastMs, a.lastMs) }
    }
  }
  return totals
}

/**
 * Joins the hosts' sink results: a one-instance sink gives its writer's result as is; a
 * parallel sink's array results are concatenated in instance order.
 */
export function joinResults(plan: Plan, parts: readonly HostResults[]): { results: Record<string, unknown>; deadLetters: Record<string, unknown> } {
  const byStep = new Map<string, unknown[]>()
  for (const part of parts) {
    for (const [step, perInstance] of Object.entries(part.results)) {
      const all = byStep.get(step) ?? []
      perInstance.forEach((r, i) => { if (i in perInstance) all[i] = r })
      byStep.set(step, all)
    }
  }
  const results: Record<string, unknown> = {}
  for (const v of plan.vertices) {
    for (const step of v.steps) {
      const all = byStep.get(step.name)
      if (!all) continue
      results[step.name] = v.parallelism === 1 ? all[0] : all.flatMap((r) => (Array.isArray(r) ? r : [r]))
    }
  }
  return { results, deadLetters: Object.assign({}, ...parts.map((p) => p.deadLetters)) }
}
