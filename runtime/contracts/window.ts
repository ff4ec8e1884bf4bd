import type { Aggregator } from './aggregator.ts'

/**
 * The contract between a window step (runtime/operators/window/window-operator.ts) and the windows of
 * components/windows: the step owns keys, key groups, watermarks, timers, output and state
 * holders; a window owns what one key's state looks like and when its windows fire.
 */

/**
 * What drives a window: record counts, the job's clock, or the records' own event time.
 *
 * @example
 * if (window.time === 'event') watermark = maxEventTime - window.eventTime!.maxOutOfOrderness - 1
 */
export type WindowTime = 'count' | 'processing' | 'event'

/**
 * How records leave a window, which decides what its accumulators must support:
 * `append` — never before it fires (tumbling, batch windows); `fifo` — one at a time, oldest
 * first (sliding windows); `merge` — windows are merged (sessions); `sorted` — the largest by
 * the window's order leaves (sort window), and the window hands its records over when it emits.
 *
 * @example
 * const mode: WindowMode = 'fifo' // windows.length(n): the oldest record leaves
 */
export type WindowMode = 'append' | 'fifo' | 'merge' | 'sorted'

/**
 * The event-time options of a window (`tumbling`, `sliding`, `session`).
 *
 * @example
 * const o: EventTimeOptions<{ ts: number }> = { time: (r) => r.ts, maxOutOfOrderness: 5_000, allowedLateness: 0 }
 */
export interface EventTimeOptions<R = unknown> {
  /** The record's event time in epoch milliseconds (a finite number). A method: Window<R> stays bivariant in R. */
  time(record: R): number
  /** How far behind the highest event time seen records may still arrive in order (default 0). */
  readonly maxOutOfOrderness: number
  /** How long after firing a window still takes records and fires again (default 0). */
  readonly allowedLateness: number
}

/**
 * An incremental aggregate over one window's records, built by the step from its output
 * (`.aggregate`, `.reduce`, `.collect`). `add` either succeeds or leaves `acc` as it was.
 * `evict` removes the oldest record (mode `fifo`) or the given one wherever it is (mode `sorted`).
 *
 * @example
 * let acc = host.acc.create(); acc = host.acc.add(acc, record)
 */
export interface WindowAccumulator<A = unknown> {
  create(): A
  add(acc: A, record: unknown): A
  evict(acc: A, record: unknown): A
  /** `a` then `b`; may mutate and return `a`, never changes `b`. */
  merge(a: A, b: A): A
}

/**
 * What the step gives a window while it handles one key's state.
 *
 * @example
 * state.acc = host.acc.add(state.acc, record)
 * if (++state.count === n) host.emit(key, state.start, state.start + n, state.acc)
 */
export interface WindowHost<A = unknown> {
  readonly acc: WindowAccumulator<A>
  /**
   * Outputs one window: `{ key, windowStart, windowEnd, ...result }`. Mode `sorted` passes the
   * window's records in window order. The result is computed at once, so `acc` may change after.
   */
  emit(key: unknown, windowStart: number, windowEnd: number, acc: A, records?: readonly unknown[]): void
  /** A record that belongs to no window still open (event time): counted, and sent to `lateTo`. */
  late(record: unknown): void
}

/**
 * A window: validated options plus the logic of one key's state `S`, which must be plain data
 * (it is snapshotted as is). The step calls `add` per record, `fire` when the time `due` returned
 * has come (the watermark for event time, the clock for processing time), and `flush` at the end
 * of a bounded input. Windows are built by `windows.*` and hold no state themselves.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.user).window('w', windows.lengthBatch(100)).aggregate('stats', { n: agg.count() })
 */
export interface Window<R = unknown, S = any> {
  readonly kind: 'window'
  /** 'lengthBatch', 'tumbling', … */
  readonly type: string
  /** The window as written, e.g. `lengthBatch(100)`, for messages. */
  readonly description: string
  readonly time: WindowTime
  readonly mode: WindowMode
  /** Semver of `S`'s shape, recorded in snapshots. */
  readonly stateVersion: string
  /**
   * Optional: the options its state depends on, as text (`size: 60000`), recorded in snapshots;
   * a restore refuses state written under others (windows cut for another size would overlap
   * the new ones). Leave out options a restore may change, such as `maxOutOfOrderness`.
   */
  readonly parameters?: string
  /** Set exactly when `time` is 'event'. */
  readonly eventTime: EventTimeOptions<R> | undefined
  /** A fresh state for a key. */
  create(host: WindowHost): S
  /**
   * Adds a record. `time` is its event time (event), the clock (processing) or 0 (count);
   * `watermark` is the event time up to which the step has seen everything (−∞ otherwise).
   * A throw leaves `state` as it was.
   */
  add(host: WindowHost, key: unknown, state: S, record: unknown, time: number, watermark: number): void
  /**
   * The earliest time at which `fire` has something to do for `state`, Infinity when never. For
   * event and processing-time windows Infinity means the state holds nothing: the step drops it.
   */
  due(state: S): number
  /** Fires and purges what is due at `at` (a watermark, or the clock). */
  fire(host: WindowHost, key: unknown, state: S, at: number): void
  /** End of a bounded input: fires every window still open. */
  flush(host: WindowHost, key: unknown, state: S): void
  /** Optional: the step dropped `state` (its key has nothing open, or a restore replaces everything). */
  release?(state: S): void
  /**
   * Optional: the windows as data, so a step whose aggregates work in place keeps them in columns
   * instead of calling `add`/`fire` on objects. Must describe exactly what those functions do.
   */
  readonly shape?: WindowShape
}

/**
 * Windows as data. Event time: fixed windows [s, s + size) starting at every multiple s of
 * `slide` (tumbling: `slide` = `size`; sliding: `slide` < `size`), or sessions of records at most
 * `gap` apart ([first, last + gap], merged when they touch). Count: batches of `size` records per
 * key, [first, last + 1) in the key's record sequence numbers (lengthBatch).
 *
 * @example
 * const shape: WindowShape = { kind: 'fixed', size: 60_000, slide: 60_000 }
 */
export type WindowShape =
  | { readonly kind: 'fixed'; readonly size: number; readonly slide: number }
  | { readonly kind: 'session'; readonly gap: number }
  | { readonly kind: 'count'; readonly size: number }

/**
 * What a window step outputs per fired window, besides key, windowStart and windowEnd.
 *
 * @example
 * const output: WindowOutput = { kind: 'aggregate', aggregates: { n: agg.count() } }
 */
export type WindowOutput =
  | { readonly kind: 'aggregate'; readonly aggregates: Readonly<Record<string, Aggregator<any, any>>> }
  | { readonly kind: 'reduce'; readonly fn: (acc: any, record: any) => unknown; readonly init: () => unknown }
  | { readonly kind: 'collect' }
