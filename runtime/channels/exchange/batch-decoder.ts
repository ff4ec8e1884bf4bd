import type { EncodedBatch, EncodedColumn } from './encoded-batch.ts'
import { rowDecoder } from './row-decoder.ts'
import { splitStrings } from './string-list.ts'

/** A channel's string table on the receiving end: id → string, null at 0. */
type Table = readonly (string | null)[]

/**
 * The records of a batch, as structured clone would have delivered them: plain objects, -0,
 * NaN, key order, null and lone surrogates kept. A `clone` batch's records are returned as they
 * are, since postMessage has already copied them. `table`: the channel's string table, for
 * batches of a ChannelEncoder (null for those of encodeBatch, which have no `ids` columns).
 *
 * @example
 * const records = decodeRecords(batch, null)
 */
export function decodeRecords(batch: EncodedBatch, table: Table | null): unknown[] {
  switch (batch.kind) {
    case 'rows': {
      const { columns } = batch
      if (table === null) for (let j = 0; j < columns.length; j++) if (columns[j]!.kind === 'ids') refuseIds()
      return rowDecoder(batch.keys, columns)(columns, batch.length, table)
    }
    case 'values': return readColumn(batch.column, batch.length, table)
    case 'clone': return batch.records as unknown[]
  }
}

function refuseIds(): never {
  throw new TypeError('A batch has a column of string table ids: it was made by a ChannelEncoder and must be decoded by the ChannelDecoder of the same channel, not by decodeBatch')
}

function readColumn(column: EncodedColumn, n: number, table: Table | null): unknown[] {
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
    case 'ids': {
      if (table === null) refuseIds()
      for (let i = 0; i < n; i++) out.push(table[column.indices[i]!])
      break
    }
    case 'text': return splitStrings(column.strings) as unknown[]
    case 'mixed': return column.values.slice()
  }
  return out
}
