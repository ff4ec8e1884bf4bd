import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { requireFunction } from './aggregator-checks.ts'
import { extremum, type ExtremumAcc } from './extremum.ts'

/**
 * Largest `fn(record)` in the window, null when empty. A monotonic deque makes add and evict
 * O(1) amortised; it holds only the values that can still become the maximum (for random input,
 * about ln(window size) of them). `fn` must return a finite number.
 *
 * @example
 * agg.max((r: { price: number }) => r.price)
 */
export function max<R>(fn: (record: R) => number): Aggregator<R, ExtremumAcc, number | null> {
  requireFunction('max', fn)
  return extremum('max', fn, (a, b) => a > b)
}
