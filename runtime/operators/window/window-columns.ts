import type { SnapshotCapture } from '../../../persistence/snapshot-capture.ts'
import { isConstantColumn, isSameColumn, type Column } from './part-column.ts'
import { isKeyTable, unpackKeys, type KeyTable } from './key-table.ts'

/**
 * Keys of a window step as raw columns: the key table, the number of rows each key's state
 * takes, and the rows' columns (the window's fields, then the aggregates'), with each key's
 * creation order and key group. No object per key or window, so `v8.serialize` copies it as a
 * few blocks; every key group's snapshot entry of the instance shares one part.
 *
 * @example
 * const part: WindowColumnsPart = { keys: { text: 'u1', lengths: new Uint32Array([2]) }, rows: new Uint32Array([1]), cols, ords, groups }
 */
export interface WindowColumnsPart {
  readonly keys: KeyTable
  readonly rows: Uint32Array
  /**
   * Float64Array columns, an Int32Array where every value of the column was an int32, or (since
   * state version 1.2.0) `{ constant, length }` where every value was the same and `{ sameAs,
   * length }` where the values were an earlier column's.
   */
  readonly cols: Column[]
  /** The keys' creation order in the step (absent: the order of `keys`). */
  readonly ords?: Float64Array | Int32Array
  /** Each key's key group. */
  readonly groups?: Int32Array
}

/**
 * How a window step whose state lives in columns (RowWindows) writes its keys as a part and
 * reads them back.
 *
 * @example
 * const part = codec.writeAll(-Infinity); const states = codec.read(part, partKeys(part))
 */
export interface WindowStateCodec {
  /** The step's keys that changed after epoch `since` (all: −∞) as one part with each key's `groups`. */
  writeAll(since: number): WindowColumnsPart
  /**
   * The same part as `writeAll(since)` now, built after the barrier: the capture is marked now
   * (constant time) and its steps gather the keys while the step goes on (copy-on-write).
   */
  capture(since: number): SnapshotCapture<WindowColumnsPart>
  /** How many keys changed after epoch `since`. */
  changed(since: number): number
  /**
   * The states of the part's `keys` (from partKeys), in order; with `take`, only of the keys it
   * wants (the others' are undefined). A RangeError when the part is malformed.
   */
  read(part: WindowColumnsPart, keys: readonly unknown[], take?: (i: number) => boolean): unknown[]
}

/**
 * The keys of a part (a RangeError when its key table is malformed).
 *
 * @example
 * const keys = partKeys(group.shared)
 */
export function partKeys(part: WindowColumnsPart): unknown[] {
  if (!isKeyTable(part?.keys)) throw new RangeError('expected a key table { text, lengths }, { numbers } or { values }')
  return unpackKeys(part.keys)
}

/**
 * Throws a RangeError unless `part` has `width` columns (Float64Array, Int32Array, constant or a reference), a
 * row count per key (`keys` of them), columns as long as the rows add up to, and creation
 * orders, when it has them, one per key.
 *
 * @example
 * checkColumnsPart(part, 8, keys.length)
 */
export function checkColumnsPart(part: WindowColumnsPart, width: number, keys: number): void {
  if (!(part.rows instanceof Uint32Array) || !Array.isArray(part.cols) || part.cols.length !== width ||
    !part.cols.every((c, i) => c instanceof Float64Array || c instanceof Int32Array || isConstantColumn(c) ||
      (isSameColumn(c) && c.sameAs < i && !isSameColumn(part.cols[c.sameAs])))) {
    throw new RangeError(`expected { keys, rows: Uint32Array, cols: ${width} Float64Arrays, Int32Arrays, { constant, length } or { sameAs: <an earlier column>, length } }`)
  }
  if (part.ords !== undefined && (!(part.ords instanceof Float64Array || part.ords instanceof Int32Array) || part.ords.length !== keys)) {
    throw new RangeError(`expected ${keys} creation orders`)
  }
  if (keys !== part.rows.length) throw new RangeError(`${keys} keys but ${part.rows.length} row counts`)
  let total = 0
  for (const n of part.rows) total += n
  for (const c of part.cols) if (c.length !== total) throw new RangeError(`the rows add up to ${total}, a column has ${c.length}`)
}
