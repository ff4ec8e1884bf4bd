import type { EventTimeOptions, Window, WindowHost, WindowShape, WindowTime } from '../../contracts/window.ts'
import type { RowAccumulation } from './row-accumulation.ts'
import type { WindowChanges } from './window-changes.ts'
import { RowTable } from './row-table.ts'
import { FREE, KeySlots } from './key-slots.ts'
import { readRowsPart, writeRowsPart } from './row-parts.ts'
import { RowCapture } from './row-capture.ts'
import { finishCaptureNow } from '../../../persistence/snapshot-capture.ts'
import type { WindowStateCodec } from './window-columns.ts'
import { addToSession } from './session-rows.ts'
import { userKeyFunction } from '../../key-groups/key.ts'
import { countKernel, tumblingKernel, type RowKernel } from './row-kernel.ts'

/** Fields of a row before the accumulation's (the window's count of values, then each aggregate's fields): start, end, fired (0 or 1). */
export const FIELDS = 3

/**
 * Windows given as data (a window's `shape`: event-time fixed windows and sessions, count batches)
 * with their state in a RowTable: one row per open window — start, end, fired, then the
 * window's count of values and the aggregates' accumulators in place (snapshots store the count
 * once per aggregate, as each aggregate kept its own before) — and per key a slot holding the head of its windows' list
 * (sorted by start; a count window's one row is its open batch, [start, end) in the key's record
 * sequence numbers). The state of a key is its slot number, so a step keeps no object per window
 * and a snapshot copies rows. Behaves exactly as the window's own functions on objects
 * (components/windows/event-windows.ts, session.ts, length-batch.ts), which the property tests
 * run side by side.
 *
 * @example
 * const w = new RowWindows(spec.window, accumulation.rows!, changes); step.window = w
 */
export class RowWindows implements Window<unknown, number> {
  readonly kind = 'window'
  readonly type: string
  readonly description: string
  readonly time: WindowTime
  readonly mode
  readonly stateVersion: string
  readonly eventTime: EventTimeOptions | undefined
  readonly table: RowTable
  readonly slots = new KeySlots()
  readonly shape: WindowShape
  readonly lateness: number
  /** fired at end − 1 + shift: 0 − 1 for fixed windows, 1 − 1 for sessions (a record at their end still joins). */
  private readonly shift: number
  /** The snapshot of a barrier being gathered after it (copy-on-write by slot), if any. */
  private capture: RowCapture | undefined

  constructor(window: Window, readonly rows: RowAccumulation, private readonly changes: WindowChanges) {
    this.type = window.type
    this.time = window.time
    this.description = window.description
    this.mode = window.mode
    this.stateVersion = window.stateVersion
    this.eventTime = window.eventTime
    this.shape = window.shape!
    this.lateness = window.eventTime?.allowedLateness ?? 0
    this.shift = this.shape.kind === 'session' ? 0 : -1
    this.table = new RowTable(FIELDS + rows.width, undefined, [0, 1, 2, ...rows.stored.map((o) => FIELDS + o)])
  }

  /** True while a capture is being gathered (a change must go through `touch`). */
  get capturing(): boolean {
    return this.capture !== undefined
  }

  /** The generated loop of this step's common case, for tumbling and count windows (undefined for others); `parked`: the keys tumbling windows keep. */
  kernel(keyOf: (record: unknown) => unknown, slotOf: ReadonlyMap<unknown, number>, host: WindowHost,
    parked?: { readonly map: ReadonlyMap<unknown, number>; reopen(k: number, start: number, end: number): number }): RowKernel | undefined {
    const shape = this.shape
    const emit = (key: unknown, start: number, end: number, row: number): void => host.emit(key, start, end, row)
    const parts = { keyOf, userKey: userKeyFunction(keyOf), slotOf, fields: this.rows.fields, count: FIELDS, offsets: this.rows.offsets.map((o) => FIELDS + o), slots: this.slots, table: this.table, emit,
      parked: parked?.map, reopen: parked && ((k: number, start: number, end: number) => parked.reopen(k, start, end)) }
    if (shape.kind === 'count') return countKernel(parts, shape.size)
    if (shape.kind !== 'fixed' || shape.slide !== shape.size) return undefined
    return tumblingKernel(parts, this.eventTime!.time, shape.size, this.eventTime!.maxOutOfOrderness)
  }

  /** The output of the window in `row`. */
  output(key: unknown, windowStart: number, windowEnd: number, row: number): Record<string, unknown> {
    const { data, width } = this.table
    return this.rows.output(key, windowStart, windowEnd, data, row * width + FIELDS)
  }

  create(): number {
    return this.slots.create(this.changes.epoch)
  }

  /** The step registered slot `k` for `key`: snapshots enumerate slots, not the step's entries. */
  bind(k: number, key: unknown, group: number, ord: number): void {
    this.slots.bind(k, key, group, ord)
  }

  /** The creation order a restored slot had (−1: none recorded, the step numbers it). */
  restoredOrd(k: number): number {
    return this.slots.ords[k]
  }

  /** The step dropped the key: its slot and rows are free. */
  release(k: number): void {
    this.park(k)
    this.slots.recycle(k)
  }

  /** The key has no window left and is parked (ParkedKeys): its rows are free, its slot holds no key but stays reserved. */
  park(k: number): void {
    this.capture?.keep(k)
    this.table.releaseList(this.slots.heads[k])
    this.slots.heads[k] = -1
    this.slots.park(k)
  }

  /** The parked slot `k` holds `key` again, changed in `epoch`, with one window [start, end): returns its row. */
  reopen(k: number, key: unknown, group: number, ord: number, epoch: number, start: number, end: number): number {
    this.capture?.keep(k)
    this.slots.bind(k, key, group, ord)
    this.slots.epochs[k] = epoch
    const row = this.newRow(start, end)
    this.link(k, -1, row, -1)
    return row
  }

  /** Forgets every key and row (a restore starts from here). */
  clear(): void {
    if (this.capture) finishCaptureNow(this.capture)
    this.table.clear()
    this.slots.clear()
  }

  /** Snapshots read and write the keys' rows themselves, in slot order, as one part with each key's group. */
  codec(): WindowStateCodec {
    return {
      writeAll: (since) => writeRowsPart(this.slots, this.table, since),
      capture: (since) => {
        // One capture at a time: one still being gathered is finished first.
        if (this.capture) finishCaptureNow(this.capture)
        const capture = new RowCapture(this.slots, this.table, since, this.changes.epoch, () => {
          if (this.capture === capture) this.capture = undefined
        })
        return this.capture = capture
      },
      changed: (since) => {
        const { keyAt, epochs, top } = this.slots
        let n = 0
        for (let k = 0; k < top; k++) if (epochs[k] > since && keyAt[k] !== FREE) n++
        return n
      },
      read: (part, keys, take) => readRowsPart(this.slots, this.table, part, keys, this.changes.epoch, take),
    }
  }

  add(host: WindowHost, key: unknown, k: number, record: unknown, t: number, watermark: number): void {
    this.touch(k)
    const shape = this.shape
    if (shape.kind === 'count') return this.addToBatch(host, key, k, record, shape.size)
    if (shape.kind === 'session') return addToSession(this, this.rows, host, key, k, record, t, watermark, shape.gap)
    const { size, slide } = shape
    if (slide === size) {
      // Tumbling: the one window of t, most often the key's first.
      const s = Math.floor(t / size) * size
      if (s + size - 1 + this.lateness <= watermark) { host.late(record); return }
      const xs = this.rows.values(record)
      const head = this.slots.heads[k]
      const w = head !== -1 && this.table.data[head * this.table.width] === s ? head : this.windowAt(k, s, s + size)
      this.rows.put(this.table.data, w * this.table.width + FIELDS, xs)
      if (s + size - 1 <= watermark) this.emit(host, key, w)
      return
    }
    const last = Math.floor(t / slide) * slide
    let first = last - Math.floor((size - 1) / slide) * slide
    while (first <= t - size) first += slide
    let xs: Float64Array | undefined
    for (let s = first; s <= last; s += slide) {
      if (s + size - 1 + this.lateness <= watermark) continue // closed
      // Taken (and validated) once, before the first change: a throw leaves every window as it was.
      xs ??= this.rows.values(record)
      const w = this.windowAt(k, s, s + size)
      this.rows.put(this.table.data, w * this.table.width + FIELDS, xs)
      if (s + size - 1 <= watermark) this.emit(host, key, w)
    }
    if (xs === undefined) host.late(record)
  }

  due(k: number): number {
    if (this.shape.kind === 'count') return Infinity
    const { data, width, next } = this.table
    let due = Infinity
    for (let r = this.slots.heads[k]; r !== -1; r = next[r]) due = Math.min(due, data[r * width + 1] + this.shift + (data[r * width + 2] === 1 ? this.lateness : 0))
    return due
  }

  fire(host: WindowHost, key: unknown, k: number, at: number): void {
    if (this.shape.kind === 'count') return
    this.touch(k)
    let prev = -1
    for (let r = this.slots.heads[k]; r !== -1;) {
      const { data, width, next } = this.table
      const after = next[r]
      const end = data[r * width + 1]
      if (data[r * width + 2] === 0 && end + this.shift <= at) this.emit(host, key, r)
      if (data[r * width + 2] === 1 && end + this.shift + this.lateness <= at) {
        if (prev === -1) this.slots.heads[k] = after
        else next[prev] = after
        this.table.release(r)
      } else {
        prev = r
      }
      r = after
    }
  }

  flush(host: WindowHost, key: unknown, k: number): void {
    if (this.shape.kind !== 'count') return this.fire(host, key, k, Infinity)
    const w = this.slots.heads[k]
    if (w !== -1 && this.table.data[w * this.table.width + 1] > this.table.data[w * this.table.width]) {
      this.touch(k)
      this.emitBatch(host, key, w)
    }
  }

  /** Slot `k` is about to change: a capture still to gather it copies it first; its epoch becomes the current one. */
  private touch(k: number): void {
    const capture = this.capture
    if (capture !== undefined && capture.pending(k)) capture.keep(k)
    this.slots.epochs[k] = this.changes.epoch
  }

  /** The key's window [start, end), created (empty, unfired) in start order when it has none. */
  private windowAt(k: number, start: number, end: number): number {
    let prev = -1
    let r = this.slots.heads[k]
    const { data, width, next } = this.table
    for (; r !== -1 && data[r * width] < start; r = next[r]) prev = r
    if (r !== -1 && data[r * width] === start) return r
    const w = this.newRow(start, end)
    this.link(k, prev, w, r)
    return w
  }

  /** A count window's record: the key's one row holds its open batch, [start, end) in record sequence numbers. */
  private addToBatch(host: WindowHost, key: unknown, k: number, record: unknown, size: number): void {
    const xs = this.rows.values(record)
    let w = this.slots.heads[k]
    if (w === -1) this.link(k, -1, w = this.newRow(0, 0), -1)
    const { data, width } = this.table
    const at = w * width
    this.rows.put(data, at + FIELDS, xs)
    // ≥, not ===: a batch restored from a larger size still fires.
    if (++data[at + 1] - data[at] >= size) this.emitBatch(host, key, w)
  }

  /** Emits the batch in row `w` and opens the next one in it. */
  private emitBatch(host: WindowHost, key: unknown, w: number): void {
    const { data, width } = this.table
    const at = w * width
    host.emit(key, data[at], data[at + 1], w)
    data[at] = data[at + 1]
    this.rows.init(data, at + FIELDS)
  }

  /** @internal A new row [start, end), unfired, its accumulators empty. */
  newRow(start: number, end: number): number {
    const r = this.table.alloc()
    const { data, width } = this.table
    const at = r * width
    data[at] = start
    data[at + 1] = end
    data[at + 2] = 0
    this.rows.init(data, at + FIELDS)
    return r
  }

  /** @internal Puts `row` between `prev` (−1: at the head) and `after`. */
  link(k: number, prev: number, row: number, after: number): void {
    this.table.next[row] = after
    if (prev === -1) this.slots.heads[k] = row
    else this.table.next[prev] = row
  }

  /** @internal */
  emit(host: WindowHost, key: unknown, row: number): void {
    const { data, width } = this.table
    host.emit(key, data[row * width], data[row * width + 1], row)
    this.table.data[row * width + 2] = 1
  }
}
