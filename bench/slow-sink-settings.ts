/**
 * Settings and report shape shared by bench/slow-sink-rss.ts and its child process
 * bench/slow-sink-child.ts (the parent never imports the child, whose top level runs a job).
 */

/** The slow-sink job: 2M generated records, 1024 per batch, 8 batches of credit per channel. */
export const SLOW_SINK = { count: 2_000_000, batchSize: 1024, channelCapacity: 8, maxBatches: 1500, writeDelayMs: 1 } as const

/** The child modes, in the order the table shows them. */
export const CHILD_MODES = ['generator-only', 'materialized', 'slow-sink', 'slow-sink-unbounded'] as const

/** What a child prints, as one JSON line on stdout. */
export interface ChildReport {
  readonly mode: string
  /** RSS after imports, before the mode's work. */
  readonly startRssMB: number
  readonly peakRssMB: number
  readonly peakHeapUsedMB: number
  readonly records: number
  readonly batches: number
  /** Most records read by the source and not yet written by the sink (materialized: all). */
  readonly maxReadAheadRecords: number
  /** The job's final status ('stopped' after maxBatches), or 'n/a' for the references. */
  readonly status: string
  readonly durationMs: number
  readonly samples: number
}
