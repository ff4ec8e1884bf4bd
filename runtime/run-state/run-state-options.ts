import { invalidOption } from '../option-checks.ts'

/** The run options that concern the run record (part of RunOptions). */
export interface RunStateRunOptions {
  /**
   * Milliseconds between the run record's heartbeat writes while the job runs (default 10 000).
   * The record is also written at each checkpoint commit and at the end; it exists for jobs
   * with a store (store, checkpointInterval or restore given).
   */
  readonly heartbeatInterval?: number
}

/** The heartbeat default: one small compare-and-set write every 10 s. */
export const DEFAULT_HEARTBEAT_MS = 10_000

/**
 * The heartbeat interval, checked up front (InvalidOptionError naming the option and its rule).
 *
 * @example
 * resolveHeartbeat({ heartbeatInterval: 1000 }) // 1000
 */
export function resolveHeartbeat(options: RunStateRunOptions): number {
  const v = options.heartbeatInterval
  if (v === undefined) return DEFAULT_HEARTBEAT_MS
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 10)) {
    throw invalidOption('run(options)', 'heartbeatInterval', 'a number of milliseconds ≥ 10', v)
  }
  return v
}
