import type { Window, WindowHost } from '../../contracts/window.ts'
import type { WindowChanges } from './window-changes.ts'
import type { WindowKeys } from './window-keys.ts'
import type { WindowTimers } from './window-timers.ts'

/**
 * Fires every key whose timer is at or before `at`, in timer order (time, key group, key order),
 * and drops the keys whose state is left with nothing open: their state is released, or the key
 * handed to `parked` to be kept for its next window; either way the drop is logged for
 * incremental checkpoints. A throw (a reduce function, a result) propagates: it cannot be
 * skipped record by record, the caller fails the step. A capture being gathered keeps a key's
 * state before it fires or is dropped.
 *
 * @example
 * fireDue(window, host, keys, timers, changes, watermark)
 */
export function fireDue(w: Window, host: WindowHost, keys: WindowKeys, timers: WindowTimers, changes: WindowChanges, at: number,
  parked?: { park(k: number): void }): void {
  for (let k = timers.popDue(at); k !== -1; k = timers.popDue(at)) {
    const time = keys.dues[k]
    keys.dues[k] = Infinity
    const state = keys.state(k)
    // A timer is never later than its key's due, but may be earlier (windows that moved on,
    // e.g. a session extended): it is renewed at the real due rather than fired, so keys
    // fire in order of their state's due — the same order after a restore.
    const now = w.due(state)
    if (now > time && now < Infinity) {
      timers.schedule(k, now)
      continue
    }
    if (now <= at) {
      keys.capture?.keep(k)
      w.fire(host, keys.keyAt[k], state, at)
      keys.epochs[k] = changes.epoch
    }
    const due = w.due(state)
    if (due === Infinity) {
      const key = keys.keyAt[k]
      const group = keys.groups[k]
      if (parked) parked.park(k)
      else {
        keys.drop(k)
        w.release?.(state)
      }
      changes.dropped(key, group)
    } else {
      timers.schedule(k, due)
    }
  }
}
