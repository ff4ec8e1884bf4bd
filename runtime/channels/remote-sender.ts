import type { MessagePort } from 'node:worker_threads'
import type { OutputChannel } from './channel-ends.ts'
import { CreditGate } from './credit-gate.ts'
import { ChannelEncoder } from './exchange/channel-encoder.ts'
import type { Message } from '../messages.ts'
import type { PortCredit, PortMessage } from './port-protocol.ts'

/**
 * The sending end of a channel to another thread: the same credit rule as a local channel
 * (CreditGate: the receiver grants `capacity` batches and one more per batch it handled), so
 * memory stays bounded across threads. Batches are encoded columnar where the records allow it
 * and their buffers are transferred, not copied; strings cross once per channel, then go by id
 * (ChannelEncoder).
 */
export class RemoteSender implements OutputChannel {
  private readonly gate: CreditGate
  private readonly encoder = new ChannelEncoder()

  constructor(private readonly port: MessagePort, capacity: number) {
    this.gate = new CreditGate(capacity, (message) => this.post(message))
    port.on('message', (reply: PortCredit) => this.gate.grant(reply.n))
  }

  send(message: Message): void | Promise<void> {
    return this.gate.send(message)
  }

  /** Since when the sender waits for credit (performance.now()); undefined when it does not. */
  get waitingSince(): number | undefined {
    return this.gate.waitingSince
  }

  fail(error: unknown): void {
    this.gate.fail(error)
  }

  close(): void {
    this.port.close()
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
