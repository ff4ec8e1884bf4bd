import type { BuiltColumn } from './column-builder.ts'
import type { EncodedColumn } from './encoded-batch.ts'
import { joinStrings, joinedSize } from './string-list.ts'

/** Byte sizes or offsets of the buffer's sections: float64, string ends, index, byte. */
type Sections = [number, number, number, number]

/** Stands in for the buffer when no column needs one (all null or plain arrays); never transferred. */
const NO_BUFFER = new ArrayBuffer(0)

/**
 * Copies built columns into one new ArrayBuffer and returns them encoded, their typed arrays
 * views into it, with the transfer list (that buffer, or nothing when no column needed one).
 * One buffer rather than one per column, because each ArrayBuffer allocation costs 0.6–2.5 µs
 * on these VMs (see ColumnBuilder). Sections go float64 first, then string ends (32-bit), then
 * indices, then bytes, so every view is aligned. Indices take 1, 2 or 4 bytes as `indexRange`
 * (every index is below it: the batch's length for dictionaries, the table's size for ids)
 * needs.
 *
 * @example
 * const { columns, transfer } = layOutColumns(builders.map((b) => b.finish()), records.length)
 */
export function layOutColumns(built: readonly BuiltColumn[], length: number, indexRange = length): { columns: EncodedColumn[]; transfer: ArrayBuffer[] } {
  const indexWidth = indexRange <= 256 ? 1 : indexRange <= 65_536 ? 2 : 4
  const ends = built.map(endsBytes)
  const totals: Sections = [0, 0, 0, 0]
  built.forEach((column, j) => {
    const s = sizes(column, ends[j]!, indexWidth)
    for (let k = 0; k < 4; k++) totals[k]! += s[k]!
  })
  const total = totals[0] + totals[1] + totals[2] + totals[3]
  const buffer = total > 0 ? new ArrayBuffer(total) : NO_BUFFER
  const cursor: Sections = [0, totals[0], totals[0] + totals[1], totals[0] + totals[1] + totals[2]]
  const columns = built.map((column, j) => pack(column, ends[j]!, buffer, cursor, indexWidth))
  return { columns, transfer: total > 0 ? [buffer] : [] }
}

/** Bytes of end offsets a column's strings need joined; 0 when it has none to join, -1 when they go as an array. */
function endsBytes(column: BuiltColumn): number {
  switch (column.kind) {
    case 'string': return column.dictionary.joinedSize()
    case 'plain': return joinedSize(column.values, column.length)
    default: return 0
  }
}

function sizes(column: BuiltColumn, ends: number, indexWidth: number): Sections {
  const n = column.length
  switch (column.kind) {
    case 'number': return [8 * n, 0, 0, column.nulls ? n : 0]
    case 'boolean': return [0, 0, 0, n]
    case 'string': return [0, Math.max(0, ends), indexWidth * n, 0]
    case 'ids': return [0, 0, indexWidth * n, 0]
    case 'plain': return [0, Math.max(0, ends), 0, 0]
    case 'null': return [0, 0, 0, 0]
  }
}

/** The encoded column, copied into `buffer` at the cursor's section offsets (advanced here). */
function pack(column: BuiltColumn, endsBytes: number, buffer: ArrayBuffer, cursor: Sections, indexWidth: number): EncodedColumn {
  const n = column.length
  const ends = endsBytes > 0 ? new Uint32Array(buffer, cursor[1], endsBytes / 4) : null
  cursor[1] += Math.max(0, endsBytes)
  switch (column.kind) {
    case 'number': {
      const values = new Float64Array(buffer, cursor[0], n)
      values.set(column.values.subarray(0, n))
      cursor[0] += 8 * n
      let nulls: Uint8Array | null = null
      if (column.nulls) {
        nulls = new Uint8Array(buffer, cursor[3], n)
        nulls.set(column.nulls.subarray(0, n))
        cursor[3] += n
      }
      return { kind: 'number', values, nulls }
    }
    case 'boolean': {
      const values = new Uint8Array(buffer, cursor[3], n)
      values.set(column.values.subarray(0, n))
      cursor[3] += n
      return { kind: 'boolean', values }
    }
    case 'string':
      return { kind: 'string', dictionary: column.dictionary.list(ends), indices: packIndices(column.indices, n, buffer, cursor, indexWidth) }
    case 'ids':
      return { kind: 'ids', indices: packIndices(column.indices, n, buffer, cursor, indexWidth) }
    case 'plain':
      return ends ? { kind: 'text', strings: joinStrings(column.values, n, ends) } : { kind: 'mixed', values: column.values.slice(0, n) }
    case 'null':
      return { kind: 'null' }
  }
}

function packIndices(from: Uint32Array, n: number, buffer: ArrayBuffer, cursor: Sections, indexWidth: number): Uint8Array | Uint16Array | Uint32Array {
  const Indices = indexWidth === 1 ? Uint8Array : indexWidth === 2 ? Uint16Array : Uint32Array
  const indices = new Indices(buffer, cursor[2], n)
  indices.set(from.subarray(0, n))
  cursor[2] += indexWidth * n
  return indices
}
