import type { SourceProgress, StepMetrics } from '../contracts/job.ts'
import type { StepTotals } from './job-stats.ts'
import type { RateWindow } from './rate-window.ts'

/**
 * Live figures of every step from its totals: rates (records in, and a source's bytes for its
 * time left) from the job's sampled counter history `rates`, never from the previous call, so
 * reading is free of side effects. `elapsedMs` is the job's wall time so far (its busy share).
 *
 * @example
 * const steps = stepMetrics(stepTotals(plan, figures.current(hosts, false)), rates.window, performance.now() - startedAt)
 */
export function stepMetrics(totals: Record<string, StepTotals>, rates: RateWindow, elapsedMs: number): Record<string, StepMetrics> {
  const steps: Record<string, StepMetrics> = {}
  for (const [name, s] of Object.entries(totals)) {
    const progress = progressOf(s, rates.rate(`bytes:${name}`))
    steps[name] = {
      kind: s.kind, parallelism: s.parallelism, recordsIn: s.recordsIn, recordsOut: s.recordsOut, failed: s.failed,
      ...(s.late !== undefined && { late: s.late }),
      ratePerSec: rates.rate(`records:${name}`) ?? 0,
      busyPercent: elapsedMs > 0 ? Math.min(100, (100 * Math.max(0, s.busyMs - s.backpressureMs)) / (elapsedMs * s.parallelism)) : 0,
      backpressureMs: s.backpressureMs,
      queueDepth: s.queueDepth,
      alignment: s.alignment,
      ...(s.batches !== undefined && { batches: s.batches }),
      ...(s.bytes !== undefined && { bytes: s.bytes }),
      ...(progress && { progress }),
      ...(s.errors && { errors: s.errors }),
    }
  }
  return steps
}

/**
 * A source's progress once every one of its splits said how many bytes it reads: the bytes
 * read over that total, and the time left at `bytesPerSec` (absent while that is unknown or 0).
 */
function progressOf(s: StepTotals, bytesPerSec: number | undefined): SourceProgress | undefined {
  if (s.bytesTotal === undefined || (s.totalParts ?? 0) < s.parallelism) return undefined
  const bytesRead = s.partBytes ?? 0
  const bytesTotal = s.bytesTotal
  const left = Math.max(0, bytesTotal - bytesRead)
  // An empty file is read as soon as it is opened.
  const fraction = bytesTotal > 0 ? Math.min(1, bytesRead / bytesTotal) : 1
  const etaMs = left === 0 ? 0 : bytesPerSec !== undefined && bytesPerSec > 0 ? (left * 1000) / bytesPerSec : undefined
  return { bytesRead, bytesTotal, fraction, ...(etaMs !== undefined && { etaMs }) }
}
