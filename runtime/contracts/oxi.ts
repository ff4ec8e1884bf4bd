import type { StateHolder } from '../../persistence/state-holder.ts'
import type { OxiState } from '../state/oxi-state.ts'

/** What an Oxi is given: where to emit, the keyBy key, the job's clock, per-key state. */
export interface OxiContext<O> {
  readonly pipelineId: string
  readonly step: string
  /** Index of this instance among the step's parallel instances. */
  readonly instance: number
  /**
   * Sends a record downstream (buffered and sent as one batch after the callback returns). Only
   * while onBatch, onWatermark or onEnd runs (an async one: until its promise settles); anywhere
   * else — in open, after the end, from a timer — it throws EmitOutsideCallbackError.
   */
  emit(record: O): void
  /** The keyBy key of a record of this step's input; `null` when the stream is not keyed. */
  key(record: unknown): unknown
  /** The job's processing time (epoch ms, or virtual time in tests). */
  now(): number
  /**
   * Per-key state the runtime owns (checkpointed, rescalable by key group, versioned, optional
   * TTL): `ctx.state.value/map/list(name, options)`, declared in `open` of a step after `.keyBy`.
   * Unkeyed state stays in the Oxi's own `holders()`.
   */
  readonly state: OxiState
}

/**
 * A user-defined operator (`.process(name, oxi)`). Gets its input a batch at a time; keeps
 * per-key state through `ctx.state` (after `.keyBy`), other state through StateHolders. `onEnd`
 * runs when a bounded input is exhausted (not on stop).
 *
 * @example
 * const count: Oxi<unknown, number> = { n: 0, onBatch(rs) { this.n += rs.length }, onEnd(ctx) { ctx.emit(this.n) } } as Oxi<unknown, number> & { n: number }
 */
export interface Oxi<I = unknown, O = unknown> {
  open?(ctx: OxiContext<O>): void | Promise<void>
  /** The next records, in order: a whole batch under `onError: 'fail'`, one record at a time under any other policy (a failure is then that record's). */
  onBatch(records: readonly I[], ctx: OxiContext<O>): void | Promise<void>
  onWatermark?(watermark: number, ctx: OxiContext<O>): void | Promise<void>
  onEnd?(ctx: OxiContext<O>): void | Promise<void>
  holders?(): StateHolder[]
}
