import type { RecordError } from '../contracts/record-error.ts'

/** Counts of one parallel instance of a step, updated per batch (never per record on the hot path). */
export interface StepCounters {
  recordsIn: number
  recordsOut: number
  failed: number
  /**
   * Window steps only: records that arrived after their event-time window had closed (fired,
   * and `allowedLateness` passed) — sent to the window's `lateTo` sink if it has one, else dropped.
   */
  late?: number
  /**
   * Since when (performance.now()) the step's own async work has not settled — a mapAsync's
   * calls of a batch, a sink's write — so a stall report can name the step inside a fused chain;
   * undefined when none is pending.
   */
  settlingSince?: number
  /** The newest errors of records this instance dropped (skipped or dead-lettered), newest last: see noteRecordError. */
  errors?: RecordError[]
}

export function newCounters(): StepCounters {
  return { recordsIn: 0, recordsOut: 0, failed: 0 }
}
