import { columnValues, isConstantColumn, type Column } from './part-column.ts'

/**
 * Rows of float64 columns plus a `next` link per row, allocated from a free list and grown by
 * doubling: the storage of a step's windows when their state lives in columns. Rows of one key
 * form a linked list through `next` (−1 ends it). Columns are replaced when the table grows:
 * read `cols` again after an `alloc`.
 *
 * @example
 * const t = new RowTable(4); const r = t.alloc(); t.cols[0][r] = 1; t.next[r] = -1
 */
export class RowTable {
  cols: Float64Array[]
  next: Int32Array
  /** Rows handed out so far (a step compares it around an add: no new row, no new window). */
  allocs = 0
  private free: number[] = []
  private top = 0

  constructor(readonly width: number, capacity = 1024) {
    this.cols = Array.from({ length: width }, () => new Float64Array(capacity))
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
   * Appends `rows` rows at the end, their fields copied column by column from `from` (one
   * column each, in any form of Column): a restore reading every row of a part copies each
   * column in one go (an empty table takes Float64Array columns as they are: the caller hands
   * them over). Returns the first new row; `next` is left to the caller.
   */
  append(from: readonly Column[], rows: number): number {
    if (from.length !== this.width) throw new RangeError(`expected ${this.width} columns, got ${from.length}`)
    if (this.top === 0 && rows > 0) {
      // Into an empty table: a Float64Array column that owns its whole buffer becomes a column as
      // it is (copies wrote ~100 MB of fresh pages for 1M keys). One that is a view into a larger
      // buffer — a decoded blob's, whose typed arrays are views into its bytes — is copied: kept,
      // it would keep the whole blob alive beside the table.
      this.cols = from.map((c, i) => {
        if (c instanceof Float64Array && c.length === rows && c.byteOffset === 0 && c.byteLength === c.buffer.byteLength) return c
        // Its own array otherwise: a constant filled in, an int32 column widened, a reference copied.
        const wide = new Float64Array(rows)
        if (isConstantColumn(c)) wide.fill(c.constant)
        else wide.set(columnValues(from, i).subarray(0, rows))
        return wide
      })
      this.next = new Int32Array(rows)
      this.top = rows
      this.allocs += rows
      return 0
    }
    this.reserve(rows)
    const first = this.top
    for (let c = 0; c < this.width; c++) {
      const col = from[c]
      if (isConstantColumn(col)) this.cols[c].fill(col.constant, first, first + rows)
      else this.cols[c].set(columnValues(from, c).subarray(0, rows), first)
    }
    this.top += rows
    this.allocs += rows
    return first
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
    this.cols = this.cols.map((c) => {
      const wider = new Float64Array(capacity)
      wider.set(c.subarray(0, this.top))
      return wider
    })
    const next = new Int32Array(capacity)
    next.set(this.next.subarray(0, this.top))
    this.next = next
  }
}
