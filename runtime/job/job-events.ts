import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { CheckpointResult, JobSummary } from '../contracts/job.ts'

/**
 * What a job with checkpoints tells its observer (the run recorder), given at construction so
 * the order is fixed by the job itself: `acquired` once the runner holds the pipeline's lease
 * (again after a restart that took it anew), `holders` once the hosts' holders are known, `committed` after each checkpoint commit (periodic,
 * on demand or final), and `ended` with the outcome — awaited — before the lease is released,
 * so whoever sees the lease free reads the end on record (the order fixed in 3031677).
 *
 * @example
 * const events: JobEvents = { acquired: (f) => begin(f), committed: (r) => note(r), ended: (s, e) => end(s, e) }
 */
export interface JobEvents {
  acquired(fence: { readonly lease: string; readonly token: number }): void
  /** Every holder of the job's hosts, once they are open and before a record flows (again after a restart). */
  holders?(entries: readonly HolderEntry[]): void
  committed(result: CheckpointResult): void
  ended(summary: JobSummary | undefined, error: unknown): Promise<void>
}
