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
import { ColumnBuilder } from './column-builder.ts'
import { layOutColumns } from './column-layout.ts'
import type { EncodedBatch, EncodedColumn } from './encoded-batch.ts'
import { rowDecoder } from './row-decoder.ts'
import { rowEncoder } from './row-encoder.ts'
import { plainBatchesAfter } from './string-dictionary.ts'
import { splitStrings } from './string-list.ts'

export type { EncodedBatch, EncodedColumn } from './encoded-batch.ts'

/** Records wider than this travel by structured clone: each column keeps scratch arrays. */
const MAX_COLUMNS = 128

/** Scratch builders, one per column position, reused by every batch this thread encodes. */
const builders: ColumnBuilder[] = []
/** plainLeft (see plainBatchesAfter) of batches of primitives. */
const valuesPlainLeft = new Uint8Array(1)
/** Set while encoding: a getter on a record that encodes a batch itself must not share scratch. */
let encoding = false

/**
 * Encodes a batch for postMessage: pass `transfer` as the transfer list. Columnar when every
 * record is a plain object with the same own enumerable keys in the same order and number,
 * string, boolean or null values, or when every record is such a primitive; structured clone
 * otherwise. The shape is checked while encoding, in one pass that stops at the first
 * irregular record. Own enumerable accessors are read once, as structured clone reads them.
 * A Proxy is read through its traps (structured clone would refuse it).
 *
 * @example
 * const { batch, transfer } = encodeBatch([{ key: 'a', value: 1 }, { key: 'b', value: 2 }])
 * port.postMessage(batch, transfer)
 */
export function encodeBatch(records: readonly unknown[]): { batch: EncodedBatch; transfer: ArrayBuffer[] } {
  if (records.length > 0 && !encoding) {
    encoding = true
    try {
      const first = records[0]
      const encoded = typeof first === 'object' && first !== null ? encodeRows(records, first) : encodeValues(records)
      if (encoded !== undefined) return encoded
    } finally {
      encoding = false
    }
  }
  return { batch: { kind: 'clone', records }, transfer: [] }
}

/**
 * The records of a batch, as structured clone would have delivered them: plain objects, -0,
 * NaN, key order, null and lone surrogates kept. A `clone` batch's records are returned as they
 * are, since postMessage has already copied them.
 *
 * @example
 * port.on('message', (batch: EncodedBatch) => handle(decodeBatch(batch)))
 */
export function decodeBatch(batch: EncodedBatch): unknown[] {
  switch (batch.kind) {
    case 'rows': return rowDecoder(batch.keys, batch.columns)(batch.columns, batch.length)
    case 'values': return readColumn(batch.column, batch.length)
    case 'clone': return batch.records as unknown[]
  }
}

type Encoded = { batch: EncodedBatch; transfer: ArrayBuffer[] }

function encodeRows(records: readonly unknown[], first: object): Encoded | undefined {
  // Only the first record's keys here; every record's shape (prototype, keys, order, values),
  // the first one's included, is checked inside the generated encoder, in the same pass.
  const keys = Object.keys(first)
  const m = keys.length
  if (m > MAX_COLUMNS || keys.includes('__proto__')) return undefined
  const n = records.length
  const encoder = rowEncoder(keys)
  const columns = take(m, n, encoder.plainLeft)
  if (!encoder.encode(records, columns)) return release(m)
  const { columns: packed, transfer } = finish(m, n)
  for (let j = 0; j < m; j++) encoder.plainLeft[j] = plainBatchesAfter(encoder.plainLeft[j]!, packed[j]!, n)
  return { batch: { kind: 'rows', length: n, keys, columns: packed }, transfer }
}

function encodeValues(records: readonly unknown[]): Encoded | undefined {
  const n = records.length
  const column = take(1, n, valuesPlainLeft)[0]!
  for (let i = 0; i < n; i++) {
    if (!column.add(i, records[i])) return release(1)
  }
  const { columns: [packed], transfer } = finish(1, n)
  valuesPlainLeft[0] = plainBatchesAfter(valuesPlainLeft[0]!, packed!, n)
  // A plain array holds the records as they are: nothing gained over cloning them.
  return packed!.kind === 'mixed' ? undefined : { batch: { kind: 'values', length: n, column: packed! }, transfer }
}

/** The first `m` builders, reset for `n` rows; `plainLeft[j] > 0`: column j sends strings plain. */
function take(m: number, n: number, plainLeft: Uint8Array): ColumnBuilder[] {
  while (builders.length < m) builders.push(new ColumnBuilder())
  for (let j = 0; j < m; j++) builders[j]!.reset(n, plainLeft[j]! > 0)
  return builders
}

function finish(m: number, n: number): { columns: EncodedColumn[]; transfer: ArrayBuffer[] } {
  const encoded = layOutColumns(builders.slice(0, m).map((b) => b.finish()), n)
  release(m)
  return encoded
}

function release(m: number): undefined {
  for (let j = 0; j < m; j++) builders[j]!.release()
  return undefined
}

function readColumn(column: EncodedColumn, n: number): unknown[] {
  const out: unknown[] = []
  switch (column.kind) {
    case 'null': for (let i = 0; i < n; i++) out.push(null); break
    case 'number': {
      const { values, nulls } = column
      if (nulls) for (let i = 0; i < n; i++) out.push(nulls[i] === 1 ? null : values[i])
      else for (let i = 0; i < n; i++) out.push(values[i])
      break
    }
    case 'boolean': for (let i = 0; i < n; i++) out.push(column.values[i] === 2 ? null : column.values[i] === 1); break
    case 'string': {
      const dictionary = splitStrings(column.dictionary)
      for (let i = 0; i < n; i++) out.push(dictionary[column.indices[i]!])
      break
    }
    case 'text': return splitStrings(column.strings) as unknown[]
    case 'mixed': return column.values.slice()
  }
  return out
}
