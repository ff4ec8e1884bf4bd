/**
 * The job's processing-time clock. The coordinator owns it; steps read it through `ctx.now()`
 * and schedule through `setTimer`, so a virtual clock drives processing time deterministically.
 *
 * @example
 * const clock = virtualClock(0); run({ clock }); clock.advance(1000)
 */
export interface Clock {
  now(): number
  /** Calls `fn` once `ms` have passed on this clock. Returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void
}

/** Wall-clock time (`Date.now()`), timers on the event loop. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms))
      t.unref?.()
      return () => clearTimeout(t)
    },
  }
}

/** A clock that moves only when told to; timers fire inside `advance`, in time order. */
export interface VirtualClock extends Clock {
  advance(ms: number): void
}

/**
 * A virtual clock for tests: `advance(ms)` moves time and fires due timers in order.
 *
 * @example
 * const c = virtualClock(0); c.setTimer(10, () => console.log('tick')); c.advance(10)
 */
export function virtualClock(start = 0): VirtualClock {
  let now = start
  let nextId = 0
  const timers = new Map<number, { at: number; id: number; fn: () => void }>()
  return {
    now: () => now,
    setTimer(ms, fn) {
      const id = nextId++
      timers.set(id, { at: now + Math.max(0, ms), id, fn })
      return () => { timers.delete(id) }
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        let due: { at: number; id: number; fn: () => void } | undefined
        for (const t of timers.values()) {
          if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t
        }
        if (!due) break
        timers.delete(due.id)
        now = due.at
        due.fn()
      }
      now = target
    },
  }
}
