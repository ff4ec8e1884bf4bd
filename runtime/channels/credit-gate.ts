import type { Message } from '../messages.ts'

/** A batch that found no credit, and its sender's promise. */
interface Waiter {
  readonly resolve: () => void
  readonly reject: (e: unknown) => void
  readonly message: Message
  readonly since: number
}

/**
 * Credit-based flow control for the sending side of one channel, local or cross-thread: the
 * receiver grants `capacity` batches up front and one more each time it has handled one; a batch
 * with no credit waits, and the credit that comes next goes straight to it, so order holds.
 * Control messages (watermark, barrier, end) need no credit but are delivered in the same
 * ordered stream. A sender sends one message at a time, so at most one batch waits.
 *
 * @example
 * const gate = new CreditGate(8, (m) => port.postMessage(m)); await gate.send(batch); gate.grant(1)
 */
export class CreditGate {
  private credits: number
  private waiter: Waiter | undefined
  private failure: unknown

  constructor(capacity: number, private readonly deliver: (message: Message) => void) {
    this.credits = capacity
  }

  /**
   * Delivers `message` now when it may (returns undefined), or returns a promise that settles
   * once credit came and it was delivered, or rejects once the gate failed.
   */
  send(message: Message): void | Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    if (message.kind === 'batch') {
      if (this.credits === 0) {
        return new Promise<void>((resolve, reject) => { this.waiter = { resolve, reject, message, since: performance.now() } })
      }
      this.credits--
    }
    this.deliver(message)
  }

  /** The receiver returned `n` credits: a waiting batch takes one and is delivered, in order. */
  grant(n: number): void {
    this.credits += n
    const w = this.waiter
    if (w && this.credits > 0) {
      this.waiter = undefined
      this.credits--
      this.deliver(w.message)
      w.resolve()
    }
  }

  /** Since when a batch waits for credit (performance.now()); undefined when none does. */
  get waitingSince(): number | undefined {
    return this.waiter?.since
  }

  /** Fails a waiting send and every later one (the job is failing or stopped hard). */
  fail(error: unknown): void {
    this.failure = error
    const w = this.waiter
    this.waiter = undefined
    w?.reject(error)
  }
}
