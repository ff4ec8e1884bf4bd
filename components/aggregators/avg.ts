import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { requireFunction } from './aggregator-checks.ts'
import { runningSum, type RunningSumAcc } from './running-sum.ts'

/**
 * Arithmetic mean of `fn(record)` over the window, null when empty: a compensated sum divided by
 * the count, O(1) per add and evict. `fn` must return a finite number.
 *
 * @example
 * agg.avg((r: { latencyMs: number }) => r.latencyMs)
 */
export function avg<R>(fn: (record: R) => number): Aggregator<R, RunningSumAcc, number | null> {
  requireFunction('avg', fn)
  const sum = runningSum('avg', fn)
  return {
    ...sum,
    result: acc => (acc.n === 0 ? null : (acc.hi + acc.lo) / acc.n),
    columns: { ...sum.columns!, result: (d, i, n) => (n === 0 ? null : (d[i] + d[i + 1]) / n) },
  }
}
