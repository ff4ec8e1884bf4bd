import type { SnapshotCapture } from '../../../persistence/snapshot-capture.ts'
import { PartColumnBuilder } from './part-column-builder.ts'
import { dedupeColumns } from './part-column.ts'
import { KeyTableBuilder } from './key-table.ts'
import { FREE, type KeySlots } from './key-slots.ts'
import type { RowTable } from './row-table.ts'
import type { WindowColumnsPart } from './window-columns.ts'

/** A slot's keys and rows as they were at the barrier, kept because the step changed it before it was gathered. */
interface Kept {
  readonly key: unknown
  readonly group: number
  readonly ord: number
  /** Its rows' values, row after row (`width` each). */
  readonly values: Float64Array
}

/**
 * The part writeRowsPart would have written at a barrier (the keys changed after epoch `since`,
 * in slot order), gathered afterwards in slices while the step goes on — copy-on-write by slot:
 * the step calls `keep(k)` before it changes a slot whose epoch is still the barrier's or older,
 * and a slot not gathered yet is copied first. Slots created after the barrier carry a later
 * epoch and are not part of it. The mark at the barrier is constant time; `done` is called once
 * the part is built.
 *
 * @example
 * const capture = new RowCapture(slots, table, since, changes.epoch) // then step() until it returns the part
 */
export class RowCapture implements SnapshotCapture<WindowColumnsPart> {
  /** Slots gathered per step: a few milliseconds of work between two of the actor's tasks (tests lower it). */
  static slice = 16_384
  /** The first slot not gathered yet. */
  private at = 0
  private readonly top: number
  private readonly kept = new Map<number, Kept>()
  /** The keys gathered so far (allocated at the first step, not at the mark) and their table, packed a slice at a time. */
  private keys: unknown[] = []
  /** Keys gathered (the array has room for every slot of the barrier). */
  private n = 0
  private keyTable: KeyTableBuilder | undefined
  /** Each slice's keys' row counts, groups and orders: joined at the end. */
  private slices: Slice[] = []
  /** The rows gathered, a builder per column with room for every row in use at the barrier (made at the first step). */
  private builders: PartColumnBuilder[] = []
  /** The keys' creation orders (an Int32Array while they are int32). */
  private ords: PartColumnBuilder | undefined
  private readonly rows: number
  private size = 0
  /** A slice's rows in order: a row of the table, or −1 for a kept slot's row. */
  private order: Int32Array = new Int32Array(1024)
  /** A slice's values, stored column after stored column (column c at c · n), handed to the builders (reused: no fresh pages per slice). */
  private scratch: Float64Array = new Float64Array(1024)
  private part: WindowColumnsPart | undefined

  /** `epoch`: the epoch the barrier closed — a slot whose epoch is higher changed after it. */
  constructor(private readonly slots: KeySlots, private readonly table: RowTable, private readonly since: number, private readonly epoch: number,
    private readonly done?: () => void) {
    this.top = slots.top
    this.rows = table.used
  }

  /** True while slot `k` (unchanged since the barrier) may still have to be kept before it changes. */
  pending(k: number): boolean {
    return this.part === undefined && k >= this.at && k < this.top && this.slots.epochs[k] <= this.epoch
  }

  /** Slot `k` is about to change: its rows are copied when the part needs them and has not gathered them. */
  keep(k: number): void {
    if (!this.pending(k) || this.kept.has(k) || !this.wanted(k)) return
    const { data, width, next } = this.table
    let n = 0
    for (let r = this.slots.heads[k]; r !== -1; r = next[r]) n++
    const values = new Float64Array(n * width)
    let j = 0
    for (let r = this.slots.heads[k]; r !== -1; r = next[r], j += width) values.set(data.subarray(r * width, r * width + width), j)
    this.kept.set(k, { key: this.slots.keyAt[k], group: this.slots.groups[k], ord: this.slots.ords[k], values })
  }

  /** Gathers a slice of slots (a step each), then builds the part. */
  step(): WindowColumnsPart | undefined {
    if (this.part !== undefined) return this.part
    if (this.keyTable === undefined) {
      this.keyTable = new KeyTableBuilder(this.keys = new Array(this.top))
      this.builders = Array.from({ length: this.table.stored.length }, () => new PartColumnBuilder(this.rows))
      this.ords = new PartColumnBuilder(this.top, false)
    }
    if (this.at < this.top) {
      this.gather(Math.min(this.top, this.at + RowCapture.slice))
      this.keyTable.pack(this.n)
      return undefined
    }
    const n = this.n
    this.part = {
      keys: this.keyTable.build(), rows: joined(this.slices, (s) => s.counts, new Uint32Array(n)), cols: dedupeColumns(this.builders.map((b) => b.build())),
      ords: this.ords!.build() as Float64Array | Int32Array, groups: joined(this.slices, (s) => s.groups, new Int32Array(n)),
    }
    this.slices = []
    this.builders = []
    this.keys = []
    this.done?.()
    return this.part
  }

  /** A slot unchanged since the barrier that the part takes: live, and changed after `since`. */
  private wanted(k: number): boolean {
    const e = this.slots.epochs[k]
    return this.slots.keyAt[k] !== FREE && e > this.since && e <= this.epoch
  }

  /**
   * Gathers slots [at, end) into the columns, their keys into a slice of their own: first the
   * rows' order, then the rows in that order, each row's fields into the scratch array's columns
   * in one pass (a kept slot's rows are marked −1 in the order and copied from what was kept), then
   * each column into its builder.
   */
  private gather(end: number): void {
    const { heads, keyAt, groups, ords } = this.slots
    const { data, width, next, stored } = this.table
    const slice: Slice = { counts: new Uint32Array(end - this.at), groups: new Int32Array(end - this.at), ords: new Float64Array(end - this.at), n: 0 }
    let n = 0
    let order = this.order
    let keptHere: { at: number; values: Float64Array }[] | undefined
    for (let k = this.at; k < end; k++) {
      const kept = this.kept.size === 0 ? undefined : this.kept.get(k)
      const start = n
      if (kept !== undefined) {
        this.kept.delete(k)
        const rows = kept.values.length / width
        if (n + rows > order.length) order = this.widen(n + rows)
        for (let j = 0; j < rows; j++) order[n++] = -1
        ;(keptHere ??= []).push({ at: start, values: kept.values })
        this.add(slice, kept.key, kept.group, kept.ord, rows)
      } else if (this.wanted(k)) {
        for (let r = heads[k]; r !== -1; r = next[r]) {
          if (n === order.length) order = this.widen(n + 1)
          order[n++] = r
        }
        this.add(slice, keyAt[k], groups[k], ords[k], n - start)
      }
    }
    // The rows a capture takes were in use at the barrier: more means a slot changed unseen.
    if (this.size + n > this.rows) throw new RangeError(`window state capture: gathered ${this.size + n} rows, ${this.rows} were in use at the barrier`)
    const columns = stored.length
    if (n * columns > this.scratch.length) this.scratch = new Float64Array(Math.max(n * columns, 2 * this.scratch.length))
    const scratch = this.scratch
    for (let i = 0; i < n; i++) {
      const r = order[i]
      if (r < 0) continue
      for (let c = 0, j = r * width, o = i; c < columns; c++, o += n) scratch[o] = data[j + stored[c]]
    }
    if (keptHere) {
      for (const { at, values } of keptHere) {
        for (let j = 0, i = at; j < values.length; i++, j += width) for (let c = 0, o = i; c < columns; c++, o += n) scratch[o] = values[j + stored[c]]
      }
    }
    for (let c = 0; c < columns; c++) this.builders[c]!.append(scratch.subarray(c * n, c * n + n), n)
    this.ords!.append(slice.ords, slice.n)
    this.slices.push(slice)
    this.size += n
    this.at = end
  }

  /** The order buffer with room for `n` entries (doubled), its entries kept. */
  private widen(n: number): Int32Array {
    const wider = new Int32Array(Math.max(n, 2 * this.order.length))
    wider.set(this.order)
    return this.order = wider
  }

  private add(slice: Slice, key: unknown, group: number, ord: number, rows: number): void {
    this.keys[this.n++] = key
    const i = slice.n++
    slice.groups[i] = group
    slice.ords[i] = ord
    slice.counts[i] = rows
  }
}

/** The keys one step gathered. */
interface Slice {
  readonly counts: Uint32Array
  readonly groups: Int32Array
  readonly ords: Float64Array
  /** Keys in it (the arrays have room for every slot of the slice). */
  n: number
}

/** The first `n` values of each slice's `of`, one after the other, in `out`. */
function joined<A extends Uint32Array | Int32Array>(slices: readonly Slice[], of: (s: Slice) => A, out: A): A {
  let at = 0
  for (const s of slices) {
    out.set(of(s).subarray(0, s.n), at)
    at += s.n
  }
  return out
}
