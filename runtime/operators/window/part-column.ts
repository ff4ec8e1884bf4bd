/**
 * A column of a snapshot part whose values are all the same (a tumbling window's bounds across
 * every key, a `fired` flag, a compensation term of exact sums): written as the value and the
 * count instead of a typed array.
 *
 * @example
 * const c: ConstantColumn = { constant: 0, length: 1_000_000 }
 */
export interface ConstantColumn {
  readonly constant: number
  readonly length: number
}

/**
 * A column of a snapshot part equal, value for value, to an earlier column of the same part
 * (`sameAs`, its index): the record count every aggregator of a window keeps, the sums of `sum`
 * and `avg` over the same values.
 *
 * @example
 * const c: SameColumn = { sameAs: 3, length: 1_000_000 }
 */
export interface SameColumn {
  readonly sameAs: number
  readonly length: number
}

/** A column of a snapshot part: float64 values, int32 values, one value repeated, or another column's values. */
export type Column = Float64Array | Int32Array | ConstantColumn | SameColumn

/**
 * True for a well-formed constant column.
 *
 * @example
 * isConstantColumn({ constant: 1, length: 3 }) // true
 */
export function isConstantColumn(c: unknown): c is ConstantColumn {
  const o = c as ConstantColumn | null
  return typeof o === 'object' && o !== null && !ArrayBuffer.isView(o) && typeof o.constant === 'number' && Number.isSafeInteger(o.length) && o.length >= 0
}

/**
 * True for a well-formed reference to another column (whether that column exists is the part's check).
 *
 * @example
 * isSameColumn({ sameAs: 0, length: 3 }) // true
 */
export function isSameColumn(c: unknown): c is SameColumn {
  const o = c as SameColumn | null
  return typeof o === 'object' && o !== null && !ArrayBuffer.isView(o) && Number.isSafeInteger(o.sameAs) && o.sameAs >= 0 &&
    Number.isSafeInteger(o.length) && o.length >= 0
}

/**
 * Column `c` of `cols` as an array of its values: a typed array as it is (shared: copy it before
 * changing it), a constant filled in, a reference resolved (a RangeError unless it names an
 * earlier typed array or constant column).
 *
 * @example
 * const values = columnValues(part.cols, 2)
 */
export function columnValues(cols: readonly Column[], c: number): Float64Array | Int32Array {
  const col = cols[c]
  if (col instanceof Float64Array || col instanceof Int32Array) return col
  if (isConstantColumn(col)) return new Float64Array(col.length).fill(col.constant)
  if (isSameColumn(col) && col.sameAs < c && !isSameColumn(cols[col.sameAs])) return columnValues(cols, col.sameAs)
  throw new RangeError(`column ${c} is neither values, a constant nor a reference to an earlier column`)
}

/**
 * Replaces each typed-array column equal to an earlier one (same type, every value the same,
 * −0 apart from 0) by a reference to it. Comparisons stop at the first difference.
 *
 * @example
 * dedupeColumns([a, b, a.slice()]) // [a, b, { sameAs: 0, length: a.length }]
 */
export function dedupeColumns(cols: Column[]): Column[] {
  return cols.map((col, i) => {
    if (!(col instanceof Float64Array || col instanceof Int32Array) || col.length === 0) return col
    for (let j = 0; j < i; j++) if (equalValues(cols[j]!, col)) return { sameAs: j, length: col.length }
    return col
  })
}

function equalValues(a: Column, b: Float64Array | Int32Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false
  const x = a as Float64Array | Int32Array
  for (let i = 0; i < b.length; i++) {
    const v = x[i]
    if (v !== b[i] || (v === 0 && 1 / v !== 1 / b[i])) return false
  }
  return true
}
