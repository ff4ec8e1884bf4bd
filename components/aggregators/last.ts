import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { evictError, requireFunction } from './aggregator-checks.ts'

/**
 * Accumulator of `last`: how many records are in the window and the newest one's value.
 *
 * @example
 * const acc: LastAcc<number> = { n: 3, value: 42 }
 */
export interface LastAcc<T> {
  n: number
  value: T | undefined
}

/**
 * `fn` of the newest record in the window (arrival order), null when empty. FIFO eviction removes
 * the newest record only when it empties the window, so O(1) memory and time. Values must be
 * v8-serializable to be snapshotted.
 *
 * @example
 * agg.last((r: { price: number }) => r.price) // the closing price of each window
 */
export function last<R, T>(fn: (record: R) => T): Aggregator<R, LastAcc<T>, T | null> {
  requireFunction('last', fn)
  return {
    kind: 'last',
    evictsAny: false,
    create: () => ({ n: 0, value: undefined }),
    add(acc, record) {
      acc.value = fn(record)
      acc.n++
      return acc
    },
    evict(acc) {
      if (acc.n === 0) throw evictError('last', 'nothing to evict, the accumulator is empty')
      acc.n--
      if (acc.n === 0) acc.value = undefined // release it: no record of the window holds it any more
      return acc
    },
    result: acc => (acc.n === 0 ? null : acc.value as T),
    merge(a, b) {
      if (b.n > 0) a.value = b.value
      a.n += b.n
      return a
    },
  }
}
