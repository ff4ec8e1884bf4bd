import { withRunError, type RunRecord } from '../../persistence/run-state/run-record.ts'
import type { JobMetrics } from '../contracts/job.ts'
import { newRecordErrors, type RecordErrorsSeen } from './dropped-record-errors.ts'
import { runErrorOf } from './run-error-of.ts'

/** How many restarts and checkpoint problems the run record already lists. */
export interface ProblemsSeen {
  readonly restarts: number
  readonly checkpointProblems: number
  /** Stalls (`metrics().stall.count`). */
  readonly stalls: number
  /** Errors of dropped records already listed, per step instance. */
  readonly records: RecordErrorsSeen
}

/**
 * The record with what went wrong since `seen` appended to its errors: each restart the job
 * took after a failure (supervision), checkpoints that failed or were abandoned, and a stall
 * (its report: which step waits for what), and the errors of records steps dropped under their
 * `onError` policy (each instance's newest few, see KEPT_RECORD_ERRORS). Returns
 * the new counts too; the caller keeps them once the record is written (a lost CAS race calls
 * this again with the same `seen`).
 *
 * @example
 * const { record, seen: next } = withJobProblems(r, job.metrics(), seen, Date.now())
 */
export function withJobProblems(r: RunRecord, m: JobMetrics, seen: ProblemsSeen, now: number): { record: RunRecord; seen: ProblemsSeen } {
  const causes = (m as { restarts?: { causes?: readonly RestartCause[] } }).restarts?.causes ?? []
  for (const c of causes.slice(seen.restarts)) {
    r = withRunError(r, { step: null, code: c.cause.code ?? 'ERR_UNEXPECTED', offset: null, time: c.at, retryable: true,
      message: runErrorOf({ message: `attempt ${c.attempt} failed and the job restarted${c.restoredFrom === undefined ? '' : ` from checkpoint ${c.restoredFrom}`}: ${c.cause.message}` }, now).message })
  }
  const cp = m.checkpoints
  const problems = cp ? cp.failed + cp.abandoned : 0
  if (cp && problems > seen.checkpointProblems) {
    r = withRunError(r, { step: null, code: cp.abandoned > 0 && cp.failed === 0 ? 'ERR_CHECKPOINT_TIMEOUT' : 'ERR_CHECKPOINT_FAILED', offset: null, time: now,
      retryable: true, message: runErrorOf({ message: `checkpoint failed or abandoned (${cp.failed} failed, ${cp.abandoned} abandoned so far): ${cp.lastError ?? 'no reason given'}` }, now).message })
  }
  const stall = m.stall
  if (stall && stall.count > seen.stalls) {
    // A fused chain ('counts → hang → out') cannot tell which of its steps holds the work: the
    // message names the chain; the step is given only when the chain is one step. The time is
    // when the stall was seen, not when this write runs (a stop's failure comes after it).
    const head = stall.waits[0]?.step
    r = withRunError(r, { step: head === undefined || head.includes(' → ') ? null : head, code: 'ERR_STALLED', offset: null,
      time: stall.since + stall.idleMs, retryable: true,
      message: runErrorOf({ message: stall.message }, now).message })
  }
  const dropped = newRecordErrors(m, seen.records)
  for (const e of dropped.errors) r = withRunError(r, e)
  return { record: r, seen: { records: dropped.seen, restarts: Math.max(seen.restarts, causes.length), checkpointProblems: Math.max(seen.checkpointProblems, problems),
    stalls: Math.max(seen.stalls, stall?.count ?? 0) } }
}

/**
 * Restarts of the job inside this runner (supervision's `restarts.attempts`), read by shape.
 *
 * @example
 * restartsOf(job.metrics()) // 2
 */
export function restartsOf(m: JobMetrics): number | undefined {
  const r = (m as { restarts?: { attempts?: unknown } }).restarts
  return typeof r?.attempts === 'number' ? r.attempts : undefined
}

/** A restart as supervision reports it (`metrics().restarts.causes`), read by shape. */
interface RestartCause {
  readonly attempt: number
  readonly cause: { readonly code?: string; readonly message: string }
  readonly at: number
  readonly restoredFrom?: number
}
