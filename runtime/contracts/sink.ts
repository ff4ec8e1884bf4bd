import type { Clock } from '../clock.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'

/** What a sink writer is given when it opens. */
export interface SinkContext {
  readonly pipelineId: string
  readonly step: string
  readonly clock: Clock
  /**
   * True when the job takes checkpoints: a transactional sink then stages output until
   * `commit(n)` (exactly-once); otherwise it may write at once.
   */
  readonly checkpointing?: boolean
}

/**
 * One open sink instance. Writes arrive one batch at a time, in order. `R` is what `result()`
 * gives, which the job summary carries as `results[step]`.
 *
 * @example
 * const writer: SinkWriter<number, number> = { write(rs) { total += rs.length }, result: () => total }
 */
export interface SinkWriter<T, R = unknown> {
  /** Writes a batch; a returned promise holds back the next batch (backpressure). */
  write(records: readonly T[]): void | Promise<void>
  /** The input is exhausted: flush everything. */
  end?(): void | Promise<void>
  /** The job stopped or failed: release resources; no write follows. */
  close?(): void | Promise<void>
  /**
   * Two-phase commit: checkpoint `checkpointId` is committed (its manifest is written), so what
   * this sink staged up to that checkpoint's barrier (in its holder's snapshot) may now become
   * visible. Called once per committed checkpoint, in order.
   */
  commit?(checkpointId: number): void | Promise<void>
  /**
   * A value the job summary carries under this sink's step name (e.g. collected records). With
   * `parallelism` above 1 the instances' array results are concatenated, and other results
   * become an array of them, in instance order.
   */
  result?(): R
  holders?(): StateHolder[]
}

/**
 * Where records leave the pipeline. `R` is the result one writer gives (`SinkWriter.result`),
 * typed into `summary.results[step]`; `undefined` for a sink that keeps nothing.
 *
 * @example
 * const log: Sink<unknown, undefined> = { kind: 'sink', description: 'log', open: () => ({ write: (rs) => { for (const r of rs) console.log(r) } }) }
 */
export interface Sink<T, R = unknown> {
  readonly kind: 'sink'
  readonly description: string
  /**
   * True when the sink's output takes one writer per job (a file): a step giving it parallelism
   * above 1, or a second step writing to the same sink object, is refused before the job runs.
   */
  readonly singleWriter?: boolean
  open(ctx: SinkContext): SinkWriter<T, R> | Promise<SinkWriter<T, R>>
}
