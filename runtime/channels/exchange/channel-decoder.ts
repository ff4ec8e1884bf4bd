import { decodeRecords } from './batch-decoder.ts'
import type { ChannelBatch, StringList } from './encoded-batch.ts'

/**
 * The receiving end's codec of one channel: applies each batch's update to its string table
 * (id → string, null at 0), then decodes the batch against it. Batches must arrive in the order
 * the ChannelEncoder made them, every one of them: a channel's MessagePort guarantees both.
 *
 * @example
 * const decoder = new ChannelDecoder()
 * port.on('message', (batch: ChannelBatch) => handle(decoder.decode(batch)))
 */
export class ChannelDecoder {
  private readonly table: (string | null)[] = [null]

  /** The records of `message`, as structured clone would have delivered them. */
  decode(message: ChannelBatch): unknown[] {
    // The update first, whatever follows: a batch that fails to decode has still changed the
    // sender's table. -1: a batch encoded re-entrantly, which carries no update and no ids.
    const { keep, added, size } = message
    if (keep !== -1) {
      if (keep > this.table.length) this.outOfStep(keep)
      this.table.length = keep
    }
    if (added !== null) append(this.table, added)
    if (size !== -1 && size !== this.table.length) this.outOfStep(size)
    return decodeRecords(message.batch, this.table)
  }

  private outOfStep(expected: number): never {
    throw new Error(`A channel batch expects a string table of ${expected} entries, but this decoder has ${this.table.length}: a batch of this channel was lost or decoded elsewhere, or the decoder serves two channels. Use one ChannelDecoder per channel and decode every batch in order.`)
  }
}

/** Appends the strings of `list` to `table`, without an array of them in between. */
function append(table: (string | null)[], list: StringList): void {
  if (!('text' in list)) {
    for (let i = 0; i < list.length; i++) table.push(list[i]!)
    return
  }
  const { text, ends } = list
  let start = 0
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!
    table.push(text.slice(start, end))
    start = end
  }
}
