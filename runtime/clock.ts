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

/** setTimeout's longest delay (2^31 − 1 ms, ~24.8 days); a longer one fires after 1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** Wall-clock time (`Date.now()`), timers on the event loop. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(ms, fn) {
      // A timer further away than setTimeout can wait is armed in hops: a processing-time window
      // of more than ~24.8 days otherwise woke its step every millisecond, with a warning each time.
      const due = Date.now() + Math.max(0, ms)
      let t: ReturnType<typeof setTimeout>
      const arm = (left: number): void => {
        t = setTimeout(() => {
          const rest = due - Date.now()
          if (rest > 0) arm(rest)
          else fn()
        }, Math.min(MAX_TIMEOUT_MS, left))
        t.unref?.()
      }
      arm(Math.max(0, ms))
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
