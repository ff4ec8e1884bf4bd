import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises'
import type { SourceReader } from './contracts/source.ts'
import type { CheckpointBarrier } from './messages.ts'
import type { Output } from './operators/operator.ts'
import type { Router } from './router.ts'
import type { Maybe } from './sequence.ts'

/** A reader that ignores the stop signal gets this long to return before the source ends anyway. */
const STOP_GRACE_MS = 2000
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
  private started: Promise<void> | undefined
  private stopRequested = false
  private wakeOnStop!: () => void
  private readonly stopped = new Promise<void>((resolve) => { this.wakeOnStop = resolve })
  private readonly barriers: CheckpointBarrier[] = []

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
  ) {}

  /** Starts pulling; call once every actor downstream is subscribed to its inputs. */
  start(): void {
    this.started ??= this.loop()
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
    this.wakeOnStop()
  }

  /** Asks this source to put barrier `b` into its output before its next batch. */
  injectBarrier(b: CheckpointBarrier): void {
    this.barriers.push(b)
  }

  private async loop(): Promise<void> {
    let lastYield = performance.now()
    let seq = this.split.index
    for (;;) {
      while (this.barriers.length > 0) {
        const b = this.barriers.shift()!
        await this.onAligned(b)
        await this.router?.broadcast({ kind: 'barrier', barrier: b })
      }
      if (this.stopRequested) return this.head.end(false)
      let start = performance.now()
      let batch = this.reader.read(this.batchSize)
      if (batch instanceof Promise) batch = await this.readUnlessStopped(batch)
      else this.busyMs += performance.now() - start
      await this.settleRejects()
      if (batch === undefined) {
        if (this.stopRequested) return this.head.end(false)
        await this.head.watermark(Infinity)
        return this.head.end(true)
      }
      start = performance.now()
      this.router?.beginSeq(seq)
      let sent = batch.length > 0 ? this.head.batch(batch) : undefined
      if (sent instanceof Promise) await sent
      sent = this.router?.endSeq()
      this.busyMs += performance.now() - start
      if (sent instanceof Promise) await sent
      seq += this.split.count
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop()
        lastYield = performance.now()
      }
    }
  }

  private async readUnlessStopped(read: Promise<readonly unknown[] | undefined>): Promise<readonly unknown[] | undefined> {
    read.catch(() => {}) // may be abandoned below; its failure must not go unhandled
    const grace = this.stopped.then(() => sleep(STOP_GRACE_MS, 'abandoned' as const, { ref: false }))
    const r = await Promise.race([read, grace])
    return r === 'abandoned' ? undefined : r
  }
}
