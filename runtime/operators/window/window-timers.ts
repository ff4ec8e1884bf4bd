import type { KeyGroup } from '../../../persistence/state-holder.ts'
import type { WindowKeys } from './window-keys.ts'

/**
 * One key's window state inside a window step instance, as a read-only view of the step's key
 * columns (WindowKeys makes one on demand; the step keeps no object per key).
 *
 * @example
 * const e: KeyEntry = { key: 'u1', group: 17, ord: 0, state, due: Infinity, dropped: false, epoch: 1 }
 */
export interface KeyEntry {
  readonly key: unknown
  readonly group: KeyGroup
  /** Creation order among this instance's keys: with `group` it orders keys deterministically. */
  readonly ord: number
  /** The window's state for this key (plain data, snapshotted as is). */
  state: unknown
  /** Time of this key's live timer, Infinity when none (older queue items are stale). */
  due: number
  /** Set once the key's state was dropped: its queued timers are stale. */
  dropped: boolean
  /** The epoch its state last changed in (WindowChanges): incremental checkpoints take it when newer than their base. */
  epoch: number
}

/**
 * The timers of a window step instance: a binary min-heap of (time, key group, key order, slot),
 * so windows fire in time order and, at equal times, in an order that depends only on the state —
 * the same after a restore as in an uninterrupted run. Each key has at most one live timer (its
 * slot's `dues`); a timer whose time is no longer its slot's due, or whose (group, order) is no
 * longer its slot's (the key was dropped, the slot reused), is stale and skipped when popped.
 * (group, order) names a key within an instance: orders are unique within a key group.
 *
 * @example
 * const timers = new WindowTimers(keys); timers.schedule(k, 99); timers.popDue(100) // k
 */
export class WindowTimers {
  /**
   * The heap as parallel typed arrays, each timer carrying its key's group and order: no object
   * per timer (a restore of 1M keys made 1M of them), and a timer's place in the heap never
   * depends on a slot that may be reused under it.
   */
  private times = new Float64Array(1024)
  private groups = new Int32Array(1024)
  private ords = new Float64Array(1024)
  private slots = new Int32Array(1024)
  private size = 0

  constructor(private readonly keys: WindowKeys) {}

  /** Time of the earliest timer (stale ones included), Infinity when none. */
  get next(): number {
    return this.size > 0 ? this.times[0] : Infinity
  }

  /** Makes `time` the live timer of slot `k` when it is earlier than the one it has. */
  schedule(k: number, time: number): void {
    const keys = this.keys
    if (!(time < keys.dues[k])) return
    keys.dues[k] = time
    if (this.size === this.times.length) this.grow()
    let i = this.size++
    const group = keys.groups[k]
    const ord = keys.ords[k]
    // Sift up with a hole: parents move down until the new timer's place is found.
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(time, group, ord, this.times[parent], this.groups[parent], this.ords[parent])) break
      this.put(i, parent)
      i = parent
    }
    this.times[i] = time
    this.groups[i] = group
    this.ords[i] = ord
    this.slots[i] = k
  }

  /**
   * Removes and returns the slot of the next key whose live timer is at or before `at` (its due
   * still holds the timer's time; the caller clears or renews it), −1 when none.
   */
  popDue(at: number): number {
    const keys = this.keys
    while (this.size > 0 && this.times[0] <= at) {
      const time = this.times[0]
      const group = this.groups[0]
      const ord = this.ords[0]
      const k = this.slots[0]
      this.pop()
      if (keys.dues[k] === time && keys.ords[k] === ord && keys.groups[k] === group) return k
    }
    return -1
  }

  clear(): void {
    this.size = 0
  }

  private pop(): void {
    const last = --this.size
    if (last === 0) return
    const time = this.times[last]
    const group = this.groups[last]
    const ord = this.ords[last]
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= last) break
      const r = l + 1
      let m = l
      if (r < last && before(this.times[r], this.groups[r], this.ords[r], this.times[l], this.groups[l], this.ords[l])) m = r
      if (!before(this.times[m], this.groups[m], this.ords[m], time, group, ord)) break
      this.put(i, m)
      i = m
    }
    this.put(i, last)
  }

  /** Copies timer `from` to place `to`. */
  private put(to: number, from: number): void {
    this.times[to] = this.times[from]
    this.groups[to] = this.groups[from]
    this.ords[to] = this.ords[from]
    this.slots[to] = this.slots[from]
  }

  /** Room for `timers` more without growing (a restore schedules one per key). */
  reserve(timers: number): void {
    if (this.size + timers > this.times.length) this.grow(this.size + timers)
  }

  private grow(to = 0): void {
    const n = Math.max(to, this.times.length * 2)
    const grow = <A extends Int32Array | Float64Array>(a: A, wider: A): A => { wider.set(a); return wider }
    this.times = grow(this.times, new Float64Array(n))
    this.groups = grow(this.groups, new Int32Array(n))
    this.ords = grow(this.ords, new Float64Array(n))
    this.slots = grow(this.slots, new Int32Array(n))
  }
}

/** Timer a fires before timer b: by time, then key group, then key creation order. */
function before(ta: number, ga: number, oa: number, tb: number, gb: number, ob: number): boolean {
  if (ta !== tb) return ta < tb
  if (ga !== gb) return ga < gb
  return oa < ob
}
