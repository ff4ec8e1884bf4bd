import type { RunStatus, StepRunState } from '../../persistence/run-state/run-record.ts'
import type { JobMetrics } from '../contracts/job.ts'
import { placeInstances } from '../plan/placement.ts'
import type { Plan } from '../plan/plan.ts'

/**
 * Where each step's instances run, as the run record says it: `main` for the runner's thread,
 * `worker N` for worker thread N, several joined by ', '.
 *
 * @example
 * stepWorkers(plan, 0) // { gen: 'main', out: 'main' }
 */
export function stepWorkers(plan: Plan, workers: number): Record<string, string> {
  const hostOf = placeInstances(plan, workers)
  const out: Record<string, string> = {}
  for (const v of plan.vertices) {
    const hosts = [...new Set(Array.from({ length: v.parallelism }, (_, i) => hostOf(v, i)))].sort((a, b) => a - b)
    const where = hosts.map((h) => (h === 0 ? 'main' : `worker ${h}`)).join(', ')
    for (const s of v.steps) out[s.name] = where
  }
  return out
}

/**
 * The run record's counters and per-step table from a metrics sample. `recordsProcessed` is
 * what the sources read; `recordsFailed` what steps dropped or dead-lettered.
 *
 * @example
 * const figures = runFigures(job.metrics(), workersOf, 'running', Date.now())
 */
export function runFigures(m: JobMetrics, workers: Readonly<Record<string, string>>, status: (step: string) => RunStatus, now: number): {
  recordsProcessed: number; recordsFailed: number; lastProcessedId: number | null; bytesProcessed: number; batchNumber: number
  steps: Record<string, StepRunState>
} {
  let recordsProcessed = 0
  let bytesProcessed = 0
  let batchNumber = 0
  let recordsFailed = 0
  const steps: Record<string, StepRunState> = {}
  for (const [name, s] of Object.entries(m.steps)) {
    if (s.kind === 'source') {
      recordsProcessed += s.recordsOut
      bytesProcessed += s.bytes ?? 0
      batchNumber += s.batches ?? 0
    }
    recordsFailed += s.failed
    steps[name] = {
      status: status(name), kind: s.kind, parallelism: s.parallelism, recordsIn: s.recordsIn, recordsOut: s.recordsOut, failed: s.failed,
      // busyPercent is of wall time per instance, without credit waits: back to milliseconds.
      processingMs: Math.round((s.busyPercent / 100) * m.elapsedMs * s.parallelism),
      worker: workers[name] ?? 'main', lastHeartbeat: now,
    }
  }
  return { recordsProcessed, recordsFailed, lastProcessedId: recordsProcessed > 0 ? recordsProcessed - 1 : null, bytesProcessed, batchNumber, steps }
}
