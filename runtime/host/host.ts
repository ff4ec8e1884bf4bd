import type { CheckpointParticipant } from '../checkpoint/checkpoint-participant.ts'
import type { AlignmentStats, JobSnapshot } from '../contracts/job.ts'
import type { Maybe } from '../maybe.ts'
import type { RecordError } from '../contracts/record-error.ts'

/** Counts of one step within one instance, as plain data (it crosses threads). */
export interface StepStats {
  readonly step: string
  readonly recordsIn: number
  readonly recordsOut: number
  readonly failed: number
  /** Window steps only: records after their event-time window closed. */
  readonly late?: number
  /** The newest errors of records the instance dropped (skipped or dead-lettered), when it dropped any. */
  readonly errors?: readonly RecordError[]
}

/** One vertex instance's figures, as plain data. */
export interface InstanceStats {
  readonly vertex: number
  readonly index: number
  readonly steps: readonly StepStats[]
  readonly busyMs: number
  readonly blockedMs: number
  readonly queueDepth: number
  /** Barrier alignment of the instance's actor (sources do not align): how many, and how long. */
  readonly alignment?: AlignmentStats
  /** What the instance waits for now, in words (a handler that has not settled, credit, a barrier, a sequence number); absent when idle. */
  readonly waiting?: string
  /**
   * A source instance: batches read, bytes read when its reader counts them, and the bytes its
   * split reads in all when the reader knows it (a file: `SourceReader.bytesTotal`).
   */
  readonly read?: { readonly step: string; readonly batches: number; readonly bytes: number | undefined; readonly bytesTotal?: number | undefined; readonly skipped?: number | undefined }
}

/** Sinks' and dead-letter sinks' results on one host, by step name. */
export interface HostResults {
  readonly results: Record<string, unknown[]>
  readonly deadLetters: Record<string, unknown>
}

/**
 * Where a job's instances run: this thread (LocalHost) or a worker thread (WorkerHost). The
 * job drives every host through these calls and nothing else, so placement stays a plan decision.
 */
export interface Host {
  /** True for a worker thread: its figures cost it a message, so they are fetched sparingly. */
  readonly remote: boolean
  /** Creates and opens this host's instances; rejects (typed) if one cannot open. */
  open(): Promise<void>
  /** Runs this host's instances until all finished; rejects with the first failure. */
  run(): Promise<void>
  /** Graceful stop: sources read no more. */
  stop(): Maybe<void>
  /** Hard stop after a failure elsewhere. */
  cancel(reason: unknown): Maybe<void>
  stats(): Maybe<InstanceStats[]>
  results(): Maybe<HostResults>
  /** The host's part in checkpoints (after `open`), when the job takes them. */
  readonly checkpoints?: CheckpointParticipant | undefined
  /** Snapshots this host's state holders (after `run`, before `close`); hosts without it refuse `snapshotAtEnd`. */
  snapshot?(): Maybe<JobSnapshot>
  /** Restores this host's state holders (after `open`, before `run`); hosts without it refuse `restoreFrom`. */
  restore?(snapshot: JobSnapshot): Maybe<void>
  /** Closes operators, readers and writers; a worker host also ends its thread. */
  close(): Promise<void>
}
