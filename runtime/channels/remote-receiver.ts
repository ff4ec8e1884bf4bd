import type { MessagePort } from 'node:worker_threads'
import { Observable } from '../rx.ts'
import type { InputChannel } from './channel-ends.ts'
import { ChannelDecoder } from './exchange/channel-decoder.ts'
import type { Message } from '../messages.ts'
import type { PortCredit, PortMessage } from './port-protocol.ts'

/**
 * The receiving end of a channel from another thread. Delivery starts when the actor subscribes
 * (a port queues what arrives before its listener exists, so nothing is lost); each handled
 * batch sends one credit back.
 */
export class RemoteReceiver implements InputChannel {
  private delivered = 0
  private handled = 0
  private readonly decoder = new ChannelDecoder()
  readonly messages: Observable<Message>

  constructor(private readonly port: MessagePort) {
    this.messages = new Observable<Message>((subscriber) => {
      const onMessage = (w: PortMessage): void => {
        this.delivered++
        subscriber.next(w.t === 'batch' ? { kind: 'batch', records: this.decoder.decode(w.batch), seq: w.seq } : w.m)
      }
      port.on('message', onMessage)
      return () => { port.off('message', onMessage) }
    })
  }

  ack(message: Message): void {
    this.handled++
    if (message.kind === 'batch') this.port.postMessage({ t: 'credit', n: 1 } satisfies PortCredit)
  }

  get queueDepth(): number {
    return this.delivered - this.handled
  }

  close(): void {
    this.port.close()
  }
}
