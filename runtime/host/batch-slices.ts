import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Maybe } from '../maybe.ts'

/**
 * About how long a chain may hold its thread with one batch. A step that costs 200 µs a record
 * takes 205 ms for a batch of 1,024, and everything asynchronous on that thread — a checkpoint's
 * writes, the store's lock, a stop, heartbeats, another actor's sink — gets one step of its own
 * per batch: an inline job with such a step never committed a checkpoint and could not be
 * stopped (every write of a checkpoint waited a batch). Batches that take longer are handed on
 * in slices, with a turn of the event loop between them.
 */
export const SLICE_TARGET_MS = 8

/**
 * How many records a chain takes at once: a whole batch while that is quick, fewer while records
 * are slow (about SLICE_TARGET_MS a slice), growing back when they are quick again. A source
 * sizes its reads with it (`size`), and both a source and an actor hand a batch on through it
 * (`handle`): in slices when it is larger than that (a file's chunk of lines, a received batch).
 * Order is kept and nothing is dropped: only where the batch is cut changes, which no step's
 * output depends on.
 *
 * @example
 * const slices = new BatchSlices(); return slices.handle(records, (part) => head.batch(part))
 */
export class BatchSlices {
  /** Records per slice. */
  size = Number.POSITIVE_INFINITY

  /** After `n` records took `ms`: the next slice's size. */
  took(n: number, ms: number): void {
    if (ms > SLICE_TARGET_MS && n > 1) this.size = Math.max(1, Math.floor((n * SLICE_TARGET_MS) / ms))
    else if (ms < SLICE_TARGET_MS / 2 && n >= this.size) this.size *= 2
  }

  /** Hands `records` to `chain`, in slices when they are slow, a turn of the event loop between slices. */
  handle(records: readonly unknown[], chain: (records: readonly unknown[]) => Maybe<void>): Maybe<void> {
    if (records.length <= this.size) return this.timed(records, chain)
    return this.from(records, 0, chain, performance.now())
  }

  private from(records: readonly unknown[], at: number, chain: (records: readonly unknown[]) => Maybe<void>, since: number): Maybe<void> {
    while (at < records.length) {
      const part = records.slice(at, at += Math.min(this.size, records.length - at))
      const r = this.timed(part, chain)
      if (at === records.length) return r
      if (r instanceof Promise) return r.then(() => this.from(records, at, chain, performance.now()))
      if (performance.now() - since > SLICE_TARGET_MS) return nextTurn().then(() => this.from(records, at, chain, performance.now()))
    }
  }

  private timed(records: readonly unknown[], chain: (records: readonly unknown[]) => Maybe<void>): Maybe<void> {
    const start = performance.now()
    const r = chain(records)
    this.took(records.length, performance.now() - start)
    return r
  }
}
