import { Subject } from '../rx.ts'
import type { InputChannel, OutputChannel } from './channel-ends.ts'
import type { Message } from '../messages.ts'

/**
 * A channel between two actors on the same thread, with credit-based flow control: the
 * receiver grants `capacity` batches up front and one more each time it has handled one; a
 * sender with no credit waits. Control messages (watermark, barrier, end) need no credit but
 * travel in the same ordered stream, behind the data sent before them.
 *
 * @example
 * const ch = new LocalChannel(8); ch.messages.subscribe(m => { ...; ch.ack(m) }); await ch.send(batch)
 */
export class LocalChannel implements InputChannel, OutputChannel {
  /** The receiver subscribes here (an actor merges all its inputs). */
  readonly messages = new Subject<Message>()
  private credits: number
  private delivered = 0
  private handled = 0
  private waiter: { resolve: () => void; reject: (e: unknown) => void; message: Message; since: number } | undefined
  private failure: unknown

  constructor(readonly capacity: number) {
    this.credits = capacity
  }

  /**
   * Sends a message. Returns undefined when it was delivered at once, or a promise that
   * settles once credit came and it was delivered. A sender sends one message at a time.
   */
  send(message: Message): void | Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    if (message.kind === 'batch') {
      if (this.credits === 0) {
        return new Promise<void>((resolve, reject) => { this.waiter = { resolve, reject, message, since: performance.now() } })
      }
      this.credits--
    }
    this.delivered++
    this.messages.next(message)
  }

  /** The receiver has handled `message`: a batch returns its credit. */
  ack(message: Message): void {
    this.handled++
    if (message.kind !== 'batch') return
    const w = this.waiter
    if (w) {
      // The credit goes straight to the waiting batch: deliver it now, in order.
      this.waiter = undefined
      this.delivered++
      this.messages.next(w.message)
      w.resolve()
    } else {
      this.credits++
    }
  }

  /** Since when the sender waits for credit (performance.now()); undefined when it does not. */
  get waitingSince(): number | undefined {
    return this.waiter?.since
  }

  /** Messages delivered but not yet handled by the receiver. */
  get queueDepth(): number {
    return this.delivered - this.handled
  }

  /** Fails a waiting sender and every later send (the job is failing or stopped hard). */
  fail(error: unknown): void {
    this.failure = error
    const w = this.waiter
    this.waiter = undefined
    w?.reject(error)
  }
}
