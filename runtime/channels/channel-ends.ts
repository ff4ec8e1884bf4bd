import type { Observable } from '../rx.ts'
import type { Message } from '../messages.ts'

/** The receiving end of a channel, as an actor sees it. */
export interface InputChannel {
  /** Subscribing starts delivery; the actor merges these of all its inputs. */
  readonly messages: Observable<Message>
  /** The receiver has handled `message`: a batch returns its credit to the sender. */
  ack(message: Message): void
  /** Messages delivered but not yet handled. */
  readonly queueDepth: number
  close?(): void
}

/** The sending end of a channel, as a router sees it. */
export interface OutputChannel {
  /** Undefined when delivered at once; a promise when it must wait for credit. */
  send(message: Message): void | Promise<void>
  /** Since when a send waits for credit (performance.now()); undefined when none does. */
  readonly waitingSince?: number
  /** Fails a waiting send and every later one. */
  fail(error: unknown): void
  close?(): void
}
