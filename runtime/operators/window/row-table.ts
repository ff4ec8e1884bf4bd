import { columnValues, isConstantColumn, type Column } from './part-column.ts'

/**
 * Rows of `width` float64 fields plus a `next` link per row, allocated from a free list and grown
 * by doubling: the storage of a step's windows when their state lives in rows. The fields are
 * row-major — row `r`'s field `c` is `data[r * width + c]` — so one record's adds touch one or two
 * cache lines of one array (one Float64Array per field cost the step's loop a base and a bounds
 * load per field: bench/window-hot-path's `step rows` against `step columns`). Rows of one key
 * form a linked list through `next` (−1 ends it). `data` and `next` are replaced when the table
 * grows: read them again after an `alloc`. Snapshots store the fields `stored` names, a column
 * each, in that order: a field may be stored more than once (a window's count, once per aggregate)
 * or not at all (read back as 0).
 *
 * @example
 * const t = new RowTable(4); const r = t.alloc(); t.data[r * t.width] = 1; t.next[r] = -1
 */
export class RowTable {
  data: Float64Array
  next: Int32Array
  /** Rows handed out so far (a step compares it around an add: no new row, no new window). */
  allocs = 0
  /** The field each stored column holds (default: every field once, in order). */
  readonly stored: Int32Array
  /** The stored column each field is read back from (its first), −1 for none. */
  private readonly sources: Int32Array
  private free: number[] = []
  private top = 0

  constructor(readonly width: number, capacity = 1024, stored: readonly number[] = Array.from({ length: width }, (_, c) => c)) {
    this.stored = Int32Array.from(stored)
    this.sources = new Int32Array(width).fill(-1)
    for (let c = stored.length - 1; c >= 0; c--) this.sources[stored[c]] = c
    this.data = new Float64Array(capacity * width)
    this.next = new Int32Array(capacity)
  }

  /** Rows in use: allocated and not released. */
  get used(): number {
    return this.top - this.free.length
  }

  /** A row (its fields hold whatever its last user left: set them). */
  alloc(): number {
    this.allocs++
    if (this.free.length > 0) return this.free.pop()!
    if (this.top === this.next.length) this.grow()
    return this.top++
  }

  release(row: number): void {
    this.free.push(row)
  }

  /** Releases every row of the list starting at `head`. */
  releaseList(head: number): void {
    for (let r = head; r !== -1;) {
      const n = this.next[r]
      this.release(r)
      r = n
    }
  }

  /**
   * Appends `rows` rows at the end, their fields copied from `from` (the stored columns, in any
   * form of Column): a restore reading every row of a part copies each column into its field of
   * every row in one pass. Returns the first new row; `next` is left to the caller.
   */
  append(from: readonly Column[], rows: number): number {
    if (from.length !== this.stored.length) throw new RangeError(`expected ${this.stored.length} columns, got ${from.length}`)
    this.reserve(rows)
    const first = this.top
    const { data, width } = this
    for (let f = 0; f < width; f++) {
      const c = this.sources[f]
      const col = c === -1 ? { constant: 0, length: rows } : from[c]
      if (isConstantColumn(col)) {
        const v = col.constant
        for (let r = 0, i = first * width + f; r < rows; r++, i += width) data[i] = v
      } else {
        const values = columnValues(from, c)
        for (let r = 0, i = first * width + f; r < rows; r++, i += width) data[i] = values[r]
      }
    }
    this.top += rows
    this.allocs += rows
    return first
  }

  /** Reads row `r`'s fields from stored columns `from` (their values: columnValues), at their `row`. */
  load(r: number, from: readonly ArrayLike<number>[], row: number): void {
    const { data, width } = this
    for (let f = 0; f < width; f++) {
      const c = this.sources[f]
      data[r * width + f] = c === -1 ? 0 : from[c][row]
    }
  }

  /** Forgets every row. */
  clear(): void {
    this.free = []
    this.top = 0
  }

  /** Room for `rows` more rows without growing (a restore knows how many it reads). */
  reserve(rows: number): void {
    if (this.top + rows > this.next.length) this.grow(this.top + rows)
  }

  private grow(to = this.next.length * 2): void {
    const capacity = Math.max(to, this.next.length * 2, 16)
    const data = new Float64Array(capacity * this.width)
    data.set(this.data.subarray(0, this.top * this.width))
    this.data = data
    const next = new Int32Array(capacity)
    next.set(this.next.subarray(0, this.top))
    this.next = next
  }
}
