import { BatchEncoder } from './batch-encoder.ts'
import type { ChannelBatch } from './encoded-batch.ts'
import { StringTable, type StringTableLimits } from './string-table.ts'

/**
 * The sending end's codec of one channel: encodeBatch's columns, with strings sent once per
 * channel and then by id (see StringTable), for a ChannelDecoder at the other end of the same
 * ordered channel. Every batch, whatever its kind, carries the table update due, so the
 * receiver's table follows the sender's batch by batch: strings a columnar attempt added before
 * it fell back to structured clone travel with the clone.
 *
 * If a batch it encoded never reaches the receiver (postMessage threw), call resync(): the next
 * batch then resets both tables, since the receiver lacks that batch's new strings.
 *
 * Measured with bench/exchange-codec.ts (2 cores, other processes keeping about one busy, two
 * runs, medians; `{ key, value, ts }` over 1000 keys), ns per record, this codec against
 * encodeBatch: wall 105 against 185–190 in batches of 1024 (sender CPU 61 against 81–89,
 * receiver 44 against 68), 97–107 against 126–202 in batches of 4096, 205–245 against 309–322
 * in batches of 256. Unique string ids cost the same either way (CPU 258–290 against 300 in
 * batches of 1024). Where the rest goes: the shape check and reads (~22 ns), a table lookup
 * hashing a fresh string (~10 ns), building each record on the receiver (~20 ns), postMessage
 * and the garbage collector; a column found mostly new to the table goes plain for 8 batches,
 * so a channel is warm only after its first probe finds its keys again.
 *
 * @example
 * const encoder = new ChannelEncoder()
 * const { batch, transfer } = encoder.encode(records)
 * port.postMessage(batch, transfer)
 */
export class ChannelEncoder {
  private readonly table: StringTable
  private readonly columns: BatchEncoder
  /** Set while encoding: a getter that sends on this channel must not see a half-made update. */
  private encoding = false

  constructor(limits: StringTableLimits = {}) {
    this.table = new StringTable(limits)
    this.columns = new BatchEncoder(this.table)
  }

  /** The batch and its table update; pass `transfer` as postMessage's transfer list. */
  encode(records: readonly unknown[]): { batch: ChannelBatch; transfer: ArrayBuffer[] } {
    // Re-entered from a getter of a record being encoded: no table, no update. This batch is
    // posted before the outer one, whose update then still applies in order.
    if (this.encoding) return { batch: { keep: -1, added: null, size: -1, batch: { kind: 'clone', records } }, transfer: [] }
    this.encoding = true
    try {
      this.table.start()
      const encoded = this.columns.encode(records)
      const update = this.table.take(encoded?.added ?? undefined)
      const batch = encoded ? encoded.batch : { kind: 'clone' as const, records }
      return { batch: { ...update, batch }, transfer: encoded ? encoded.transfer : [] }
    } finally {
      this.encoding = false
    }
  }

  /** Has the next batch reset the table on both ends: the last one never reached the receiver. */
  resync(): void {
    this.table.clear()
  }
}
