import type { ChannelBatch } from './exchange/encoded-batch.ts'
import type { BarrierMessage, EndMessage, WatermarkMessage } from '../messages.ts'

/**
 * What travels on a MessagePort between two hosts — types only. Sender → receiver: batches
 * (encoded, their columns transferred, strings by id into the channel's string table) and
 * control messages, in one ordered stream.
 * Receiver → sender: credits.
 */
export type PortMessage =
  | { readonly t: 'batch'; readonly seq: number | undefined; readonly batch: ChannelBatch }
  | { readonly t: 'control'; readonly m: WatermarkMessage | BarrierMessage | EndMessage }

export interface PortCredit {
  readonly t: 'credit'
  readonly n: number
}
