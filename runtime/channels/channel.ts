import { Subject } from '../rx.ts'
import type { InputChannel, OutputChannel } from './channel-ends.ts'
import { CreditGate } from './credit-gate.ts'
import type { Message } from '../messages.ts'

/**
 * A channel between two actors on the same thread, with credit-based flow control (CreditGate):
 * the receiver grants `capacity` batches up front and one more each time it has handled one; a
 * sender with no credit waits. Control messages (watermark, barrier, end) need no credit but
 * travel in the same ordered stream, behind the data sent before them.
 *
 * @example
 * const ch = new LocalChannel(8); ch.messages.subscribe(m => { ...; ch.ack(m) }); await ch.send(batch)
 */
export class LocalChannel implements InputChannel, OutputChannel {
  /** The receiver subscribes here (an actor merges all its inputs). */
  readonly messages = new Subject<Message>()
  private delivered = 0
  private handled = 0
  private readonly gate: CreditGate

  constructor(readonly capacity: number) {
    this.gate = new CreditGate(capacity, (message) => {
      this.delivered++
      this.messages.next(message)
    })
  }

  /**
   * Sends a message. Returns undefined when it was delivered at once, or a promise that
   * settles once credit came and it was delivered. A sender sends one message at a time.
   */
  send(message: Message): void | Promise<void> {
    return this.gate.send(message)
  }

  /** The receiver has handled `message`: a batch returns its credit (straight to a waiting batch). */
  ack(message: Message): void {
    this.handled++
    if (message.kind === 'batch') this.gate.grant(1)
  }

  /** Since when the sender waits for credit (performance.now()); undefined when it does not. */
  get waitingSince(): number | undefined {
    return this.gate.waitingSince
  }

  /** Messages delivered but not yet handled by the receiver. */
  get queueDepth(): number {
    return this.delivered - this.handled
  }

  /** Fails a waiting sender and every later send (the job is failing or stopped hard). */
  fail(error: unknown): void {
    this.gate.fail(error)
  }
}
