import type { KeyedStateHolder } from './keyed-state-holder.ts'

/**
 * One value per key (`ctx.state.value<T>(name, options)`). Addressed by a record of the step's
 * input: the key is the step's keyBy key of that record (`ctx.key(record)`), so a step reaches
 * only keys its instance owns. `get` is undefined for a key without a value, or whose value
 * expired (TTL).
 *
 * @example
 * open(ctx) { this.count = ctx.state.value<number>('count') },
 * onBatch(rs, ctx) { for (const r of rs) this.count.set(r, (this.count.get(r) ?? 0) + 1) }
 */
export class ValueState<T, R = unknown> {
  constructor(private readonly holder: KeyedStateHolder) {}

  /** The value of `record`'s key, or undefined. */
  get(record: R): T | undefined {
    return this.holder.get(record) as T | undefined
  }

  /** Sets the value of `record`'s key (and restarts its TTL). */
  set(record: R, value: T): void {
    this.holder.set(record, value)
  }

  /** Removes the value of `record`'s key. */
  clear(record: R): void {
    this.holder.delete(record)
  }

  /**
   * `[key, value]` of every live key of this instance, in no particular order (e.g. to emit them in
   * onEnd). With an event-time TTL none is live in onEnd: the end of input brings the watermark
   * +∞, past every entry's time.
   */
  entries(): IterableIterator<[unknown, T]> {
    return this.holder.entries() as IterableIterator<[unknown, T]>
  }
}
