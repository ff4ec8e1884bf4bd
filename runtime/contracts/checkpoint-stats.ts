/**
 * What `job.checkpoint()` resolves with.
 *
 * @example
 * const { id, bytes, durationMs, incremental } = await job.checkpoint()
 */
export interface CheckpointResult {
  readonly id: number
  /** Bytes written (compressed, headers included) and before compression. */
  readonly bytes: number
  readonly rawBytes: number
  /** From the trigger to the sinks' commit. */
  readonly durationMs: number
  /** From injecting barrier n until every instance's snapshot arrived: barrier alignment plus the synchronous snapshots. */
  readonly alignmentMs: number
  /**
   * The longest any step instance stopped processing at the barrier to snapshot its state: the
   * synchronous part (a serialize, or for state kept in columns a copy-on-write mark). The rest
   * of `alignmentMs` runs while the steps go on.
   */
  readonly pauseMs: number
  /**
   * True when some state in it was written as changes against an earlier checkpoint (its
   * manifest lists a holder with `snapshot: 'changes'`; see the `incremental` and `fullEvery`
   * options), false when every holder wrote a full snapshot.
   */
  readonly incremental: boolean
  readonly steps: Readonly<Record<string, { readonly bytes: number; readonly rawBytes: number }>>
}

/**
 * One checkpoint of the job's history (`metrics().checkpoints.recent`), as a timeline shows it:
 * committed, failed (its error) or abandoned (it did not complete within `checkpointTimeout`).
 *
 * @example
 * const e: CheckpointEvent = { id: 7, status: 'completed', at: Date.now(), durationMs: 41, alignmentMs: 12, pauseMs: 1, bytes: 5120, rawBytes: 20480, incremental: true }
 */
export interface CheckpointEvent {
  /**
   * Its id. One that failed before its id could be read from the store (the store was down)
   * shows the id this job would have given it next. A failed or abandoned checkpoint wrote no
   * manifest, so the next one may be given the same id.
   */
  readonly id: number
  readonly status: 'completed' | 'failed' | 'abandoned'
  /** Epoch ms it was triggered (its turn came: one checkpoint is taken at a time). */
  readonly at: number
  /** From the trigger to its commit, failure or abandonment. */
  readonly durationMs: number
  /** Completed ones: as in CheckpointResult. */
  readonly alignmentMs?: number
  readonly pauseMs?: number
  readonly bytes?: number
  readonly rawBytes?: number
  /** Completed ones: true when some state in it was written as changes against an earlier checkpoint. */
  readonly incremental?: boolean
  /** Failed and abandoned ones: the error's message. */
  readonly error?: string
}

/**
 * The checkpoint figures of a job (`job.metrics().checkpoints`, `summary.checkpoints`): counts
 * over the whole job (restarts included), the last one committed, and the recent history.
 *
 * @example
 * const { completed, recent } = job.metrics().checkpoints!; const failed = recent.filter((e) => e.status === 'failed')
 */
export interface CheckpointStats {
  readonly completed: number
  readonly abandoned: number
  readonly failed: number
  readonly last: CheckpointResult | undefined
  readonly lastError: string | undefined
  /** The newest checkpoints, newest last: at most 50, those of earlier attempts (restarts) included. */
  readonly recent: readonly CheckpointEvent[]
}
