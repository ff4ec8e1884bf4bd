/**
 * The codec that moves a batch of records between threads: flat records travel as columns in one
 * transferred ArrayBuffer, anything else by structured clone.
 *
 * Measured with bench/exchange-codec.ts on these VMs (2 cores, shared with other jobs: medians of
 * noisy runs), `{ key, value, ts }` records over 1000 keys posted to a worker that decodes them:
 * batches of 1024 cross in ~90–140 ns per record of wall time and ~165–235 ns of CPU over both
 * threads, against ~400 ns and ~620 ns by structured clone (4096: ~115–160 and ~175–215). Irregular
 * batches cost what clone costs, plus the shape check up to the first irregular record.
 */
import { BatchEncoder } from './batch-encoder.ts'
import { decodeRecords } from './batch-decoder.ts'
import type { EncodedBatch } from './encoded-batch.ts'

export type { EncodedBatch, EncodedColumn } from './encoded-batch.ts'

/** Scratch and plain-string decisions shared by every batch this thread encodes statelessly. */
const encoder = new BatchEncoder(null)

/**
 * Encodes a batch for postMessage: pass `transfer` as the transfer list. Columnar when every
 * record is a plain object with the same own enumerable keys in the same order and number,
 * string, boolean or null values, or when every record is such a primitive; structured clone
 * otherwise. The shape is checked while encoding, in one pass that stops at the first
 * irregular record. Own enumerable accessors are read once, as structured clone reads them.
 * A Proxy is read through its traps (structured clone would refuse it). Stateless: any batch
 * decodes on its own (a channel that delivers in order can do better: ChannelEncoder).
 *
 * @example
 * const { batch, transfer } = encodeBatch([{ key: 'a', value: 1 }, { key: 'b', value: 2 }])
 * port.postMessage(batch, transfer)
 */
export function encodeBatch(records: readonly unknown[]): { batch: EncodedBatch; transfer: ArrayBuffer[] } {
  const encoded = encoder.encode(records)
  return encoded ? { batch: encoded.batch, transfer: encoded.transfer } : { batch: { kind: 'clone', records }, transfer: [] }
}

/**
 * The records of a batch of encodeBatch, as structured clone would have delivered them: plain
 * objects, -0, NaN, key order, null and lone surrogates kept. A `clone` batch's records are
 * returned as they are, since postMessage has already copied them.
 *
 * @example
 * port.on('message', (batch: EncodedBatch) => handle(decodeBatch(batch)))
 */
export function decodeBatch(batch: EncodedBatch): unknown[] {
  return decodeRecords(batch, null)
}
