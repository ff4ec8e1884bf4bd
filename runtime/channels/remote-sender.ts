import type { MessagePort } from 'node:worker_threads'
import type { OutputChannel } from './channel-ends.ts'
import { ChannelEncoder } from './exchange/channel-encoder.ts'
import type { Message } from '../messages.ts'
import type { PortCredit, PortMessage } from './port-protocol.ts'

/**
 * The sending end of a channel to another thread: the same credit rule as a local channel (the
 * receiver grants `capacity` batches and one more per batch it handled), so memory stays bounded
 * across threads. Batches are encoded columnar where the records allow it and their buffers are
 * transferred, not copied; strings cross once per channel, then go by id (ChannelEncoder).
 */
export class RemoteSender implements OutputChannel {
  private credits: number
  private waiter: { resolve: () => void; reject: (e: unknown) => void; message: Message; since: number } | undefined
  private failure: unknown
  private readonly encoder = new ChannelEncoder()

  constructor(private readonly port: MessagePort, capacity: number) {
    this.credits = capacity
    port.on('message', (reply: PortCredit) => this.grant(reply.n))
  }

  send(message: Message): void | Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    if (message.kind === 'batch') {
      if (this.credits === 0) return new Promise<void>((resolve, reject) => { this.waiter = { resolve, reject, message, since: performance.now() } })
      this.credits--
    }
    this.post(message)
  }

  /** Since when the sender waits for credit (performance.now()); undefined when it does not. */
  get waitingSince(): number | undefined {
    return this.waiter?.since
  }

  fail(error: unknown): void {
    this.failure = error
    const w = this.waiter
    this.waiter = undefined
    w?.reject(error)
  }

  close(): void {
    this.port.close()
  }

  private grant(n: number): void {
    this.credits += n
    const w = this.waiter
    if (w && this.credits > 0) {
      this.waiter = undefined
      this.credits--
      this.post(w.message)
      w.resolve()
    }
  }

  private post(message: Message): void {
    if (message.kind !== 'batch') {
      this.port.postMessage({ t: 'control', m: message } satisfies PortMessage)
      return
    }
    const { batch, transfer } = this.encoder.encode(message.records)
    try {
      this.port.postMessage({ t: 'batch', seq: message.seq, batch } satisfies PortMessage, transfer)
    } catch (error) {
      // Not sent (a record structured clone refuses): the receiver lacks this batch's new strings.
      this.encoder.resync()
      throw error
    }
  }
}
