import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { requireFunction } from './aggregator-checks.ts'
import { extremum, type ExtremumAcc } from './extremum.ts'

/**
 * Smallest `fn(record)` in the window, null when empty. A monotonic deque makes add and evict
 * O(1) amortised; it holds only the values that can still become the minimum (for random input,
 * about ln(window size) of them). `fn` must return a finite number.
 *
 * @example
 * agg.min((r: { price: number }) => r.price)
 */
export function min<R>(fn: (record: R) => number): Aggregator<R, ExtremumAcc, number | null> {
  requireFunction('min', fn)
  return extremum('min', fn, (a, b) => a < b)
}
