import type { CheckpointEvent } from '../contracts/job.ts'

/** Checkpoints a job's history keeps (`metrics().checkpoints.recent`). */
export const CHECKPOINT_HISTORY = 50

/**
 * The newest checkpoints of a job, newest last, at most `limit`: kept by the job's checkpointing
 * across restarts (each attempt's coordinator adds to it). `recent` is replaced, never changed in
 * place, so metrics() hands it out without copying (it is read every 500 ms by the page).
 *
 * @example
 * const history = new CheckpointHistory(); history.add({ id: 1, status: 'completed', at: Date.now(), durationMs: 40 }); history.recent
 */
export class CheckpointHistory {
  recent: readonly CheckpointEvent[] = []

  constructor(private readonly limit = CHECKPOINT_HISTORY) {}

  add(event: CheckpointEvent): void {
    this.recent = [...this.recent.slice(Math.max(0, this.recent.length + 1 - this.limit)), Object.freeze(event)]
  }
}
