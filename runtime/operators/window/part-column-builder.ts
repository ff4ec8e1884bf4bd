import type { Column } from './part-column.ts'

const CONSTANT = 0
const INT32 = 1
const FLOAT64 = 2
type Mode = typeof CONSTANT | typeof INT32 | typeof FLOAT64

/**
 * Builds a column slice after slice in the narrowest form its values allow so far: one value
 * repeated, then int32 (no −0), then float64 — an array is allocated only once a column stops
 * being constant, and int32 values take half the bytes. A capture of 1M keys wrote ~100 MB of
 * fresh float64 columns, then narrowed them in another pass; most of a tumbling window's columns
 * are constant or int32.
 *
 * @example
 * const b = new PartColumnBuilder(rows); b.append(scratch, n); const column = b.build()
 */
export class PartColumnBuilder {
  private mode: Mode = CONSTANT
  private constant = 0
  private ints: Int32Array | undefined
  private floats: Float64Array | undefined
  /** Values appended so far. */
  size = 0

  /**
   * @param capacity the most values the column will get (an array is allocated at that size)
   * @param constants whether a column of one value may be built as a ConstantColumn
   */
  constructor(private readonly capacity: number, private readonly constants = true) {
    if (!constants) this.mode = INT32
  }

  /** Appends `values[0..n)`. */
  append(values: Float64Array, n: number): void {
    let i = 0
    if (this.mode === CONSTANT) {
      if (this.size === 0 && n > 0) this.constant = values[0]
      const c = this.constant
      while (i < n && same(values[i], c)) i++
      this.size += i
      if (i === n) return
      if (isInt32(c)) this.widen(INT32).fill(c, 0, this.size)
      else this.widen(FLOAT64).fill(c, 0, this.size)
    }
    if (this.mode === INT32) {
      const ints = this.ints ??= new Int32Array(this.capacity)
      let size = this.size
      for (; i < n; i++) {
        const v = values[i]
        if ((v | 0) !== v || (v === 0 && 1 / v < 0)) break
        ints[size++] = v
      }
      this.size = size
      if (i === n) return
      this.widen(FLOAT64)
    }
    const floats = this.floats!
    let size = this.size
    for (; i < n; i++) floats[size++] = values[i]
    this.size = size
  }

  /** The column: a ConstantColumn, or a typed array of exactly `size` values. */
  build(): Column {
    const n = this.size
    if (this.mode === CONSTANT) return n === 0 ? new Int32Array(0) : { constant: this.constant, length: n }
    const a = this.mode === INT32 ? this.ints ?? new Int32Array(0) : this.floats!
    return a.length === n ? a : a.slice(0, n)
  }

  /** Switches to `to`, the values so far copied over (a constant's left to the caller); returns the new array. */
  private widen(to: typeof INT32 | typeof FLOAT64): Int32Array | Float64Array {
    this.mode = to
    if (to === INT32) return this.ints = new Int32Array(this.capacity)
    const floats = new Float64Array(this.capacity)
    // A loop converts faster than set() does.
    const ints = this.ints
    if (ints) for (let j = 0; j < this.size; j++) floats[j] = ints[j]
    this.ints = undefined
    return this.floats = floats
  }
}

/** Same value, −0 apart from 0 and NaN equal to NaN (a constant column restores bit for bit but NaN's payload). */
function same(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b
}

/** An int32 that an Int32Array keeps (not −0). */
function isInt32(v: number): boolean {
  return (v | 0) === v && !(v === 0 && 1 / v < 0)
}
