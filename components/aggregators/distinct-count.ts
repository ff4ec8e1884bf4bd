import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { shown } from '../../runtime/option-checks.ts'
import { type DistinctValue, distinctValueOf, evictError, requireFunction } from './aggregator-checks.ts'

/**
 * Number of distinct `fn(record)` values in the window, exact (0 when empty). The accumulator maps
 * each value to how many records in the window have it, so eviction knows when a value leaves:
 * O(1) per add and evict, memory O(distinct values). Values compare as Map keys do (NaN equals
 * NaN, 0 equals -0); `fn` must return a primitive.
 *
 * @example
 * agg.distinctCount((r: { userId: string }) => r.userId) // unique users per window
 */
export function distinctCount<R>(fn: (record: R) => DistinctValue): Aggregator<R, Map<DistinctValue, number>, number> {
  requireFunction('distinctCount', fn)
  return {
    kind: 'distinctCount',
    evictsAny: true,
    create: () => new Map(),
    add(acc, record) {
      const v = distinctValueOf('distinctCount', fn, record)
      acc.set(v, (acc.get(v) ?? 0) + 1)
      return acc
    },
    evict(acc, record) {
      const v = distinctValueOf('distinctCount', fn, record)
      const n = acc.get(v)
      if (n === undefined) throw evictError('distinctCount', `the evicted value ${shown(v)} is not in the window`)
      if (n === 1) acc.delete(v)
      else acc.set(v, n - 1)
      return acc
    },
    result: acc => acc.size,
    merge(a, b) {
      for (const [v, n] of b) a.set(v, (a.get(v) ?? 0) + n)
      return a
    },
  }
}
