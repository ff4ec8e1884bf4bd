/**
 * Workload W, variant 1 (the baseline): a hand-written single-threaded loop over the array with
 * a `Map<key, WindowAcc>`.
 */
import { Checksum, W, WindowAcc, windowResult, type WEvent, type WVariant } from './workload-w.ts'

/**
 * The hand loop: the fastest plain JavaScript can do workload W on one thread.
 *
 * @example
 * const checksum = handLoop.run(buildEvents(1000))
 */
export const handLoop: WVariant = {
  name: 'hand loop',
  description: 'for loop over the array, Map<key, accumulator>, one thread',
  run(events: readonly WEvent[]): Checksum {
    const out = new Checksum()
    const open = new Map<string, WindowAcc>()
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!
      let acc = open.get(e.key)
      if (acc === undefined) {
        acc = new WindowAcc()
        open.set(e.key, acc)
      }
      acc.count++
      acc.sum += e.value
      if (e.value < acc.min) acc.min = e.value
      if (e.value > acc.max) acc.max = e.value
      if (acc.count === W.windowSize) {
        out.add(windowResult(e.key, acc.count, acc.sum, acc.min, acc.max))
        acc.reset()
      }
    }
    // End of input: partial windows fire (the rule every variant follows).
    for (const [key, acc] of open) {
      if (acc.count > 0) out.add(windowResult(key, acc.count, acc.sum, acc.min, acc.max))
    }
    return out
  },
}
