import { StringDictionary } from './string-dictionary.ts'
import type { StringIdIndex } from './string-id-index.ts'
import type { StringTable } from './string-table.ts'

// What a column has held so far. It starts as NULLS and settles on the type of its first
// non-null value; a value of another type (or a string, while strings go plain) turns it into
// MIXED, a plain array, for the rest of the batch.
const NULLS = 0
const NUMBERS = 1
const BOOLEANS = 2
const STRINGS = 3
const MIXED = 4
/** Strings by id into the channel's string table (reset with a table). */
const TABLED = 5

/** A value a column takes. */
export type Flat = number | string | boolean | null

/**
 * A column once built: views of the builder's scratch (the first `length` entries are this
 * batch's), for layOutColumns to copy into the batch's buffer. Valid until the builder's next
 * reset.
 *
 * @example
 * const built: BuiltColumn = { kind: 'number', length: 2, values: new Float64Array([1, 2]), nulls: null }
 */
export type BuiltColumn =
  | { readonly kind: 'null'; readonly length: number }
  | { readonly kind: 'number'; readonly length: number; readonly values: Float64Array; readonly nulls: Uint8Array | null }
  | { readonly kind: 'boolean'; readonly length: number; readonly values: Uint8Array }
  | { readonly kind: 'string'; readonly length: number; readonly dictionary: StringDictionary; readonly indices: Uint32Array }
  /** `added`: how many strings this column added to the table (for plainBatchesAfter). */
  | { readonly kind: 'ids'; readonly length: number; readonly indices: Uint32Array; readonly added: number }
  | { readonly kind: 'plain'; readonly length: number; readonly values: readonly Flat[] }

/**
 * Scratch arrays longer than this are dropped after a batch, so one huge batch pins nothing:
 * kept, a column holds at most 16,384 rows × 13 bytes (batches are at most 1024 in the runtime).
 */
const KEPT_CAPACITY = 16_384

/**
 * Builds one column of a batch in a single pass, row by row, into scratch typed arrays reused
 * from batch to batch; layOutColumns then copies the used part into the batch's one transferred
 * buffer. Scratch and one final buffer, rather than a fresh typed array per column: allocating
 * an ArrayBuffer costs 0.6 µs (64 B) to 2.5 µs (8 KiB) on these VMs, most of it in Node's
 * allocator, against ~0.3 µs to copy 8 KiB.
 *
 * @example
 * const b = new ColumnBuilder(); b.reset(2, false); b.add(0, 1.5); b.add(1, null); b.finish() // numbers, one null
 */
export class ColumnBuilder {
  private kind = NULLS
  private length = 0
  private plainStrings = false
  private numbers = new Float64Array(0)
  /** Booleans (0 false, 1 true, 2 null), or the null marks of a number column. */
  private flags = new Uint8Array(0)
  private hasNulls = false
  private indices = new Uint32Array(0)
  private readonly dictionary = new StringDictionary()
  private table: StringTable | null = null
  /** The table's index, found by a field load on every row rather than through the table. */
  private tableIndex: StringIdIndex | null = null
  private added = 0
  /**
   * The values of a MIXED column, this batch's first `length`. Reused across batches, for the
   * reason StringDictionary reuses its array: stores into a fresh `[]` went through the
   * push/grow builtins (GrowFastSmiOrObjectElements was 3 % of encode time).
   */
  private mixed: Flat[] = []

  /**
   * Starts a new column of `length` rows; `plainStrings`: strings go in a plain array rather
   * than a dictionary (see plainBatchesAfter); `table`: strings go by id into this channel
   * table instead of a dictionary of the batch's own.
   */
  reset(length: number, plainStrings: boolean, table: StringTable | null = null): void {
    this.kind = NULLS
    this.length = length
    this.plainStrings = plainStrings
    this.hasNulls = false
    this.table = table
    this.tableIndex = table && table.index
    this.added = 0
  }

  /**
   * Stores the value of row `row` (rows come in order); false when the value cannot travel in a
   * column (not a number, string, boolean or null): the caller falls back to structured clone.
   */
  add(row: number, value: unknown): boolean {
    // The settled cases first, inline: they are nearly every call.
    const kind = this.kind
    if (kind === NUMBERS) {
      if (typeof value === 'number') { this.numbers[row] = value; return true }
    } else if (kind === TABLED) {
      if (typeof value === 'string') {
        const id = this.tableIndex!.find(value)
        this.indices[row] = id >= 0 ? id : this.addToTable(value)
        return true
      }
    } else if (kind === STRINGS) {
      if (typeof value === 'string') { this.indices[row] = this.dictionary.indexOf(value); return true }
    } else if (kind === BOOLEANS) {
      if (typeof value === 'boolean') { this.flags[row] = value ? 1 : 0; return true }
    } else if (kind === MIXED) {
      // Strings sent plain land here row after row.
      if (typeof value === 'string') { this.mixed[row] = value; return true }
    }
    return this.addOther(row, value)
  }

  /** A string new to the channel's table: out of line, as most rows find theirs. */
  private addToTable(value: string): number {
    this.added++
    return this.table!.add(value)
  }

  /** Nulls, the first typed value, type changes and mixed columns. */
  private addOther(row: number, value: unknown): boolean {
    const type = typeof value
    if (value !== null && type !== 'number' && type !== 'string' && type !== 'boolean') return false
    const flat = value as Flat
    if (this.kind === MIXED) {
      this.mixed[row] = flat
      return true
    }
    if (this.kind === NULLS) {
      if (flat === null) return true
      this.settle(row, type)
      return this.add(row, flat)
    }
    if (flat !== null) {
      this.spill(row)
      this.mixed[row] = flat
    } else if (this.kind === NUMBERS) {
      if (!this.hasNulls) {
        this.flags = this.capacity(this.flags, Uint8Array)
        this.flags.fill(0, 0, this.length)
        this.hasNulls = true
      }
      this.flags[row] = 1
    } else if (this.kind === BOOLEANS) {
      this.flags[row] = 2
    } else if (this.kind === TABLED) {
      this.indices[row] = 0
    } else {
      this.indices[row] = this.dictionary.indexOf(null)
    }
    return true
  }

  /** Gives the column the type of its first non-null value, at `row`: the rows before are null. */
  private settle(row: number, type: string): void {
    if (type === 'number') {
      this.kind = NUMBERS
      this.numbers = this.capacity(this.numbers, Float64Array)
      // Zeros under the nulls, so no bytes of an earlier batch travel in this one.
      this.numbers.fill(0, 0, row)
      if (row > 0) {
        this.flags = this.capacity(this.flags, Uint8Array)
        this.flags.fill(1, 0, row).fill(0, row, this.length)
        this.hasNulls = true
      }
    } else if (type === 'boolean') {
      this.kind = BOOLEANS
      this.flags = this.capacity(this.flags, Uint8Array)
      this.flags.fill(2, 0, row)
    } else if (this.plainStrings) {
      this.spill(row)
    } else if (this.table) {
      this.kind = TABLED
      this.indices = this.capacity(this.indices, Uint32Array)
      // Null is id 0 in every table.
      this.indices.fill(0, 0, row)
    } else {
      this.kind = STRINGS
      this.indices = this.capacity(this.indices, Uint32Array)
      this.dictionary.start()
      if (row > 0) this.indices.fill(this.dictionary.indexOf(null), 0, row)
    }
  }

  private capacity<A extends Float64Array | Uint8Array | Uint32Array>(array: A, Type: new (n: number) => A): A {
    return array.length >= this.length ? array : new Type(this.length)
  }

  /** Turns the column MIXED: its first `rows` values are copied to the plain array. */
  private spill(rows: number): void {
    const out = this.mixed
    for (let i = 0; i < rows; i++) {
      switch (this.kind) {
        case NULLS: out[i] = null; break
        case NUMBERS: out[i] = this.hasNulls && this.flags[i] === 1 ? null : this.numbers[i]!; break
        case BOOLEANS: out[i] = this.flags[i] === 2 ? null : this.flags[i] === 1; break
        case TABLED: out[i] = this.table!.at(this.indices[i]!); break
        default: out[i] = this.dictionary.at(this.indices[i]!)
      }
    }
    this.kind = MIXED
  }

  /** The column as built; the builder is ready for the next batch once this has been laid out. */
  finish(): BuiltColumn {
    const length = this.length
    switch (this.kind) {
      case NUMBERS: return { kind: 'number', length, values: this.numbers, nulls: this.hasNulls ? this.flags : null }
      case BOOLEANS: return { kind: 'boolean', length, values: this.flags }
      case STRINGS: return { kind: 'string', length, dictionary: this.dictionary, indices: this.indices }
      case TABLED: return { kind: 'ids', length, indices: this.indices, added: this.added }
      case MIXED: return { kind: 'plain', length, values: this.mixed }
      default: return { kind: 'null', length }
    }
  }

  /**
   * Drops scratch too big to keep between batches. What is kept holds at most the last batch's
   * values of this column.
   */
  release(): void {
    this.table = null
    this.tableIndex = null
    if (this.mixed.length > KEPT_CAPACITY) this.mixed = []
    if (this.numbers.length > KEPT_CAPACITY) this.numbers = new Float64Array(0)
    if (this.flags.length > KEPT_CAPACITY) this.flags = new Uint8Array(0)
    if (this.indices.length > KEPT_CAPACITY) this.indices = new Uint32Array(0)
  }
}
