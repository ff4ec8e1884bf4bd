import type { RowWindows } from './row-windows.ts'
import type { WindowChanges } from './window-changes.ts'
import type { WindowKeys } from './window-keys.ts'
import type { WindowTimers } from './window-timers.ts'

/**
 * Keys of a tumbling window step in rows whose last window fired, kept for their next window: the
 * step's kernel opens it in place (`reopen`) instead of handing the record to the general path,
 * which would register the key afresh (a new slot, its key group, map entries, the record's
 * checks again). A parked key is gone from everything a snapshot, the end of input or a restore
 * sees — its slot is free in the rows (KeySlots) and it is out of the step's live keys — and it
 * comes back with a new creation order, as a dropped key registered again would: output order,
 * snapshots and incremental checkpoints are the same as without parking. Only its slot number and
 * key group are kept, in a map of their own.
 *
 * Memory: parked keys are at most as many as the most live keys the step has held (and 1024);
 * past that all are freed (keys that never come back cannot grow the step's memory).
 *
 * @example
 * const parked = ParkedKeys.forTumbling(rows, keys, timers, changes, () => nextOrd++); fireDue(window, host, keys, timers, changes, wm, parked)
 */
export class ParkedKeys {
  private readonly slots = new Map<unknown, number>()
  private peak = 0

  constructor(private readonly keys: WindowKeys, private readonly rows: RowWindows, private readonly timers: WindowTimers,
    private readonly changes: WindowChanges, private readonly nextOrd: () => number) {}

  /** The parked keys of a step whose windows are tumbling windows in rows (`rows`); undefined for any other step. */
  static forTumbling(rows: RowWindows | undefined, keys: WindowKeys, timers: WindowTimers, changes: WindowChanges, nextOrd: () => number): ParkedKeys | undefined {
    const shape = rows?.shape
    return shape?.kind === 'fixed' && shape.slide === shape.size ? new ParkedKeys(keys, rows!, timers, changes, nextOrd) : undefined
  }

  /** Key → parked slot (the kernel looks keys up in it after the live ones). */
  get map(): ReadonlyMap<unknown, number> {
    return this.slots
  }

  /** Slot `k`'s key has no window left (the step logged its drop): it is parked instead of freed. */
  park(k: number): void {
    if (this.keys.size > this.peak) this.peak = this.keys.size
    this.slots.set(this.keys.keyAt[k], k)
    this.keys.park(k)
    this.rows.park(k)
    if (this.slots.size > Math.max(1024, this.peak)) this.clear()
  }

  /** The parked key of slot `k` opens window [start, end): registered again, with a new creation order and its timer; returns the window's row. */
  reopen(k: number, start: number, end: number): number {
    const { keys } = this
    const key = keys.keyAt[k]
    this.slots.delete(key)
    const ord = this.nextOrd()
    const epoch = this.changes.epoch
    keys.unpark(k, ord, epoch)
    const row = this.rows.reopen(k, key, keys.groups[k], ord, epoch, start, end)
    this.timers.schedule(k, this.rows.due(k))
    return row
  }

  /** The general path registers `key` afresh: its parked slot, if any, is freed. */
  forget(key: unknown): void {
    const k = this.slots.get(key)
    if (k === undefined) return
    this.slots.delete(key)
    this.free(k)
  }

  /** Frees every parked slot. */
  clear(): void {
    for (const k of this.slots.values()) this.free(k)
    this.slots.clear()
  }

  /** After a restore (keys and rows were cleared): nothing is parked. */
  reset(): void {
    this.slots.clear()
    this.peak = 0
  }

  private free(k: number): void {
    this.keys.keyAt[k] = undefined
    this.rows.slots.recycle(k)
  }
}
