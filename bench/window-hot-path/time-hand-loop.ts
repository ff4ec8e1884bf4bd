/**
 * The hand loop of event-time tumbling windows over workload W: per key the open window's start
 * and accumulator; a record in a later window emits the open one. W's timestamps never decrease,
 * so no record is late and this emits exactly the windows the watermark-driven window step emits
 * (the checksum does not depend on when a window fires); at the end every open window is emitted.
 */
import { Checksum, windowResult, type WEvent, type WVariant } from '../workload-w.ts'

class TimeAcc {
  count = 0
  sum = 0
  min = Infinity
  max = -Infinity
  constructor(public start: number) {}
}

/**
 * The hand loop for tumbling windows of `size` ms.
 *
 * @example
 * const checksum = timeHandLoop(100_000).run(buildEvents(1000))
 */
export function timeHandLoop(size: number): WVariant {
  return {
    name: 'hand loop',
    description: `for loop over the array, Map<key, accumulator of the open ${size}-ms window>, one thread`,
    run(events: readonly WEvent[]): Checksum {
      const out = new Checksum()
      const open = new Map<string, TimeAcc>()
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!
        const start = Math.floor(e.ts / size) * size
        let acc = open.get(e.key)
        if (acc === undefined) {
          acc = new TimeAcc(start)
          open.set(e.key, acc)
        } else if (acc.start !== start) {
          out.add(windowResult(e.key, acc.count, acc.sum, acc.min, acc.max))
          acc.start = start
          acc.count = 0
          acc.sum = 0
          acc.min = Infinity
          acc.max = -Infinity
        }
        acc.count++
        acc.sum += e.value
        if (e.value < acc.min) acc.min = e.value
        if (e.value > acc.max) acc.max = e.value
      }
      for (const [key, acc] of open) out.add(windowResult(key, acc.count, acc.sum, acc.min, acc.max))
      return out
    },
  }
}
