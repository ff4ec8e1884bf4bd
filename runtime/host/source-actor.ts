import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { SourceReader } from '../contracts/source.ts'
import type { CheckpointBarrier } from '../messages.ts'
import type { Output } from '../operators/operator.ts'
import type { Router } from './router.ts'
import type { Maybe } from '../maybe.ts'
import { BatchSlices } from './batch-slices.ts'

/** A reader that ignores the stop signal gets this long to return before the source ends anyway. */
const STOP_GRACE_MS = 2000
/** Why a send may not return, for stall reports. */
const SENDING = ' (a step of its chain — an async function such as a mapAsync, a sink write — or a send waiting for credit has not settled)'
/** Synchronous readers (arrays, generators) give the event loop a turn at least this often. */
const YIELD_EVERY_MS = 8

/**
 * One running instance of a source: pulls a batch from its reader only when the previous one
 * was taken downstream (the chain's send resolves once channels had credit), so a fast source
 * never runs ahead of a slow sink by more than the channels hold.
 */
export class SourceActor {
  /** Time spent reading and pushing batches through the chain, not waiting. */
  busyMs = 0
  /** Batches read from the reader (empty ones included). */
  batches = 0
  private started: Promise<void> | undefined
  private stopRequested = false
  /** Set while a read is awaited: a stop then gives that read `STOP_GRACE_MS` before abandoning it. */
  private reading = false
  /** The grace a stop gave the read in flight. */
  private grace: NodeJS.Timeout | undefined
  /**
   * The read in flight outlived a stop's grace: the end went downstream without it, and whatever
   * it returns is dropped. Kept for `waitingFor`: the reader's close may still wait for that read.
   */
  private abandoned: { seq: number; since: number } | undefined
  /** Settles `finished` with the end sent when a read is abandoned (the loop still waits for that read). */
  private endAbandoned: ((end: Promise<void>) => void) | undefined
  /** The next read's sequence number; reads of split i of P are numbered i, i + P, … */
  private seq: number
  private ended = false
  /** The input was exhausted and the end went downstream (not a stop): see `restoreEnded`. */
  endedFinal = false
  /** Restored from a checkpoint taken after this instance had ended. */
  private endedBefore = false
  /** Set by `pause` until `resumeWith`: no read starts meanwhile. */
  private parked: Promise<void> | undefined
  /** From the start of a read until its batch was sent (see `pause`). */
  private inRead = false
  /** The read or send in progress, for `waitingFor`. */
  private doing: { what: 'reading batch' | 'sending batch'; seq: number; since: number } | undefined
  private resume: (() => void) | undefined
  /** A batch's synchronous send (the steps fused after the source) takes about SLICE_TARGET_MS: reads shrink, and batches are handed on in slices, while records are slow. */
  private readonly slices = new BatchSlices()
  private readonly chain = (records: readonly unknown[]): Maybe<void> => this.head.batch(records)
  /** A checkpoint barrier to put before the first own read numbered ≥ `cut`. */
  private barrierAt: { barrier: CheckpointBarrier; cut: number; stopAfter: boolean } | undefined

  constructor(
    readonly name: string,
    private readonly reader: SourceReader<unknown>,
    private readonly head: Output,
    private readonly router: Router | undefined,
    private readonly batchSize: number,
    /** Read k is numbered `split.index + k * split.count`: splits interleave in one sequence. */
    private readonly split: { readonly index: number; readonly count: number },
    private readonly onAligned: (barrier: CheckpointBarrier) => Maybe<void>,
    /** Settles the dead-letter writes the reader's rejects started (awaited after each read). */
    private readonly settleRejects: () => Promise<void> | undefined,
    private readonly signalStop: () => void,
  ) {
    this.seq = split.index
  }

  /** Starts pulling; call once every actor downstream is subscribed to its inputs. */
  start(): void {
    if (this.started) return
    const loop = this.loop()
    loop.catch(() => {}) // after an abandoned read the loop's outcome is nobody's: `finished` settled already
    this.started = Promise.race([loop, new Promise<void>((resolve) => { this.endAbandoned = resolve })])
    this.started.catch(() => {})
  }

  /** Settles when this source sent its end downstream; rejects if it failed. */
  get finished(): Promise<void> {
    if (!this.started) throw new Error(`source '${this.name}' was not started`)
    return this.started
  }

  /** Graceful stop: no further read; in-flight batches drain; `end` (not final) goes downstream. */
  requestStop(): void {
    if (this.stopRequested) return
    this.stopRequested = true
    this.signalStop()
    if (this.reading) this.giveGrace()
  }

  /**
   * Pauses before the next read and resolves at once with the number of the first read not yet
   * started — also once the input ended: the cut must not fall before what an ended split
   * already sent, or a receiver would take those records after the barrier and a restore would
   * read them again (and a sequence-merging receiver would wait for them forever). The
   * coordinator pauses every instance of a source, takes the highest as the cut, and resumes
   * them with the barrier at that cut, so every instance puts the barrier at the same place in
   * the shared sequence; receivers that merge by sequence could otherwise wait for a read that
   * is held behind another input's barrier.
   *
   * It must not wait for the instance to reach a read boundary: a split that ran ahead of a
   * slower one waits in a send for credit that only comes once the receiver got the slower
   * split's next batch — which a paused split never reads. Waiting there deadlocked the
   * checkpoint, and with it the job and any graceful stop queued behind it. A read in flight
   * (or its batch still being sent) counts as started.
   */
  pause(): Promise<number> {
    if (this.ended) return Promise.resolve(this.seq)
    this.parked = new Promise((resolve) => { this.resume = resolve })
    return Promise.resolve(this.inRead ? this.seq + this.split.count : this.seq)
  }

  /**
   * Resumes after `pause`, putting `barrier` before the first own read numbered ≥ `cut`;
   * `stopAfter` (the final checkpoint of a graceful stop): end right after the barrier.
   */
  resumeWith(barrier: CheckpointBarrier, cut: number, stopAfter = false): void {
    if (!this.ended) this.barrierAt = { barrier, cut, stopAfter }
    this.resume?.()
    this.resume = undefined
    this.parked = undefined
  }

  /**
   * After a restore: this instance had ended before the checkpoint, so it reads nothing and its
   * chain's end (an Oxi's onEnd, windows fired at the end) does not run again — that output is
   * already in the restored state. Its receivers are only told that it ended (final), so its
   * watermark counts as +∞ for them and barriers align on their inputs that are still open.
   */
  restoreEnded(): void {
    this.ended = true
    this.endedBefore = true
  }

  /** What this instance waits for now, in words, for a stall report; undefined when idle. */
  waitingFor(now = performance.now()): string | undefined {
    const d = this.doing
    // A send runs the steps fused after the source (a mapAsync, an inline sink): say so, as an actor's 'handling a message' does.
    if (d) return `${d.what} ${d.seq} for ${((now - d.since) / 1000).toFixed(1)} s${d.what === 'sending batch' ? SENDING : ''}`
    // Not 'reading batch …': the detector counts that as a pending read, and this source has ended.
    const a = this.abandoned
    if (a) return `read of batch ${a.seq} abandoned by the stop, not returned after ${((now - a.since) / 1000).toFixed(1)} s`
    return this.parked ? 'paused for a checkpoint' : undefined
  }

  /** After a restore at `cut`: the first read is this split's first numbered ≥ cut. */
  startAt(cut: number): void {
    this.seq = firstAtOrAfter(cut, this.split.index, this.split.count)
  }

  private async loop(): Promise<void> {
    if (this.endedBefore) {
      this.endedFinal = true
      await this.router?.end(true)
      return
    }
    let lastYield = performance.now()
    for (;;) {
      if (this.parked) await this.parked
      const at = this.barrierAt
      if (at && this.seq >= at.cut) {
        this.barrierAt = undefined
        await this.onAligned(at.barrier)
        await this.router?.broadcast({ kind: 'barrier', barrier: at.barrier })
        if (at.stopAfter) this.requestStop()
      }
      if (this.stopRequested) return this.end(false)
      if (this.parked) continue // paused while the barrier went out: no read before the resume
      this.inRead = true
      let start = performance.now()
      this.doing = { what: 'reading batch', seq: this.seq, since: start }
      let batch = this.reader.read(Math.min(this.batchSize, this.slices.size))
      if (batch instanceof Promise) {
        // Awaited as it is: with a promise of our own around each read (for the stop's grace) V8
        // promoted every batch to the old generation (bench/README.md, "The GC's two modes").
        this.reading = true
        if (this.stopRequested) this.giveGrace()
        try {
          batch = await batch
        } catch (e) {
          if (this.abandoned) return
          throw e
        } finally {
          this.reading = false
          clearTimeout(this.grace)
          this.grace = undefined
        }
        if (this.abandoned) return
      } else if (batch === undefined || batch.length > 0) this.busyMs += performance.now() - start
      // Awaited even when there is nothing to settle: without the turn it yields, a checkpoint asked for while a read
      // was pending could find the next read in flight and wait for it (incremental-chains.test.ts hung so).
      await this.settleRejects()
      if (batch === undefined) {
        this.doing = undefined
        if (this.stopRequested) return this.end(false)
        await this.head.watermark(Infinity)
        return this.end(true)
      }
      // An empty read (nothing new in the input) is no progress: neither counted nor timed, and it
      // stays a read, so a bounded source that reads nothing for stallTimeout is reported as stalled
      // (its empty reads once counted as progress: a Redis stream deleted under a bounded read waited silently).
      const empty = batch.length === 0
      if (!empty) this.batches++
      start = performance.now()
      if (!empty) this.doing = { what: 'sending batch', seq: this.seq, since: start }
      this.router?.beginSeq(this.seq)
      // Readers that return more than asked (a file's chunk of lines) are handed on in slices too.
      let sent = !empty ? this.slices.handle(batch, this.chain) : undefined
      if (sent instanceof Promise) await sent
      sent = this.router?.endSeq()
      if (!empty) this.busyMs += performance.now() - start
      if (sent instanceof Promise) await sent
      this.seq += this.split.count
      this.inRead = false
      this.doing = undefined
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop()
        lastYield = performance.now()
      }
    }
  }

  private async end(final: boolean): Promise<void> {
    this.ended = true
    await this.head.end(final)
    this.endedFinal = final
  }

  /**
   * A stop came while a read is in flight: the read gets `STOP_GRACE_MS` to return (its records
   * then go downstream, and the loop ends at its next turn); after that it is abandoned and the
   * end (not final) goes downstream at once. One timer per stop, cleared when the read settles:
   * nothing of a read outlives it (racing each read against a promise that settles only at stop
   * kept every batch reachable until the job ended).
   */
  private giveGrace(): void {
    this.grace ??= setTimeout(() => {
      this.grace = undefined
      if (!this.reading) return
      this.abandoned = { seq: this.seq, since: this.doing?.since ?? performance.now() }
      this.doing = undefined
      this.endAbandoned!(this.end(false))
    }, STOP_GRACE_MS)
    this.grace.unref()
  }
}

/** The smallest number ≥ `cut` that is ≡ `index` (mod `count`). */
export function firstAtOrAfter(cut: number, index: number, count: number): number {
  return cut + ((((index - cut) % count) + count) % count)
}
