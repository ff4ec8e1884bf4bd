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
  /** The heap as two parallel arrays (no object per timer: a restore of 1M keys made 1M of them). */
  private times: number[] = []
  private entries: KeyEntry[] = []

  /** Time of the earliest timer (stale ones included), Infinity when none. */
  get next(): number {
    return this.times.length > 0 ? this.times[0] : Infinity
  }

  /** Makes `time` the key's live timer when it is earlier than the one it has. */
  schedule(entry: KeyEntry, time: number): void {
    if (!(time < entry.due)) return
    entry.due = time
    this.times.push(time)
    this.entries.push(entry)
    let i = this.times.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  /**
   * Removes and returns the next key whose live timer is at or before `at` (its `due` still holds
   * the timer's time; the caller clears or renews it), undefined when none.
   */
  popDue(at: number): KeyEntry | undefined {
    while (this.times.length > 0 && this.times[0] <= at) {
      const time = this.times[0]
      const entry = this.pop()
      if (!entry.dropped && entry.due === time) return entry
    }
    return undefined
  }

  clear(): void {
    this.times = []
    this.entries = []
  }

  private pop(): KeyEntry {
    const { times, entries } = this
    const top = entries[0]
    const lastTime = times.pop()!
    const lastEntry = entries.pop()!
    if (times.length > 0) {
      times[0] = lastTime
      entries[0] = lastEntry
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < times.length && this.before(l, m)) m = l
        if (r < times.length && this.before(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }

  /** Timer `i` fires before timer `j`: by time, then key group, then key creation order. */
  private before(i: number, j: number): boolean {
    const a = this.times[i]
    const b = this.times[j]
    if (a !== b) return a < b
    const ea = this.entries[i]
    const eb = this.entries[j]
    if (ea.group !== eb.group) return ea.group < eb.group
    return ea.ord < eb.ord
  }

  private swap(i: number, j: number): void {
    const t = this.times[i]
    this.times[i] = this.times[j]
    this.times[j] = t
    const e = this.entries[i]
    this.entries[i] = this.entries[j]
    this.entries[j] = e
  }
}
