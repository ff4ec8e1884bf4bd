import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { requireFunction } from './aggregator-checks.ts'
import { runningSum, type RunningSumAcc } from './running-sum.ts'

/**
 * Sum of `fn(record)` over the window, 0 when empty. Compensated (Neumaier) summation, O(1) per
 * add and evict; the error stays near one rounding of the window's sum however long it slides.
 * `fn` must return a finite number.
 *
 * @example
 * agg.sum((r: { value: number }) => r.value)
 */
export function sum<R>(fn: (record: R) => number): Aggregator<R, RunningSumAcc, number> {
  requireFunction('sum', fn)
  return runningSum('sum', fn)
}
