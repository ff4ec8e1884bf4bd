import type { KeyGroup } from '../../../persistence/state-holder.ts'

/**
 * One key's window state inside a window step instance.
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

interface Timer {
  readonly time: number
  readonly entry: KeyEntry
}

/**
 * The timers of a window step instance: a binary min-heap of (time, key group, key order), so
 * windows fire in time order and, at equal times, in an order that depends only on the state —
 * the same after a restore as in an uninterrupted run. Each key has at most one live timer (its
 * `due`); a timer whose time is no longer its key's `due` is stale and skipped when popped.
 *
 * @example
 * const timers = new WindowTimers(); timers.schedule(entry, 99); timers.popDue(100) // entry
 */
export class WindowTimers {
  private heap: Timer[] = []

  /** Time of the earliest timer (stale ones included), Infinity when none. */
  get next(): number {
    return this.heap.length > 0 ? this.heap[0].time : Infinity
  }

  /** Makes `time` the key's live timer when it is earlier than the one it has. */
  schedule(entry: KeyEntry, time: number): void {
    if (!(time < entry.due)) return
    entry.due = time
    const h = this.heap
    h.push({ time, entry })
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i], h[parent])) break
      swap(h, i, parent)
      i = parent
    }
  }

  /**
   * Removes and returns the next key whose live timer is at or before `at` (its `due` still holds
   * the timer's time; the caller clears or renews it), undefined when none.
   */
  popDue(at: number): KeyEntry | undefined {
    while (this.heap.length > 0 && this.heap[0].time <= at) {
      const { time, entry } = this.pop()
      if (!entry.dropped && entry.due === time) return entry
    }
    return undefined
  }

  clear(): void {
    this.heap = []
  }

  private pop(): Timer {
    const h = this.heap
    const top = h[0]
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l], h[m])) m = l
        if (r < h.length && before(h[r], h[m])) m = r
        if (m === i) break
        swap(h, i, m)
        i = m
      }
    }
    return top
  }
}

function before(a: Timer, b: Timer): boolean {
  if (a.time !== b.time) return a.time < b.time
  if (a.entry.group !== b.entry.group) return a.entry.group < b.entry.group
  return a.entry.ord < b.entry.ord
}

function swap(h: Timer[], i: number, j: number): void {
  const t = h[i]
  h[i] = h[j]
  h[j] = t
}
