/**
 * The `agg` namespace: incremental aggregators for windows. Each takes a function that picks the
 * value from a record; accumulators are plain data, so window state snapshots as is.
 *
 * @example
 * import { agg } from 'oxiflow'
 * const aggregates = { n: agg.count(), total: agg.sum(r => r.value), p99: agg.percentile(r => r.value, 99) }
 */
export type { Aggregator } from '../../runtime/contracts/aggregator.ts'
export type { DistinctValue } from './aggregator-checks.ts'
export { avg } from './avg.ts'
export { count } from './count.ts'
export { distinctCount } from './distinct-count.ts'
export { first } from './first.ts'
export { last } from './last.ts'
export { max } from './max.ts'
export { min } from './min.ts'
export { percentile } from './percentile.ts'
export { stddev } from './stddev.ts'
export { sum } from './sum.ts'
