import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { evictError } from './aggregator-checks.ts'
import { shown } from '../../runtime/option-checks.ts'

/**
 * Number of records in the window (0 when empty). The accumulator is the count itself.
 *
 * @example
 * const c = agg.count()
 * c.result(c.add(c.create(), { any: 'record' })) // 1
 */
export function count<R = unknown>(...none: []): Aggregator<R, number, number> {
  // It counts records: a function given (SQL's count(field) in mind) would be ignored silently.
  if (none.length > 0) throw new InvalidOptionError('fn', 'agg.count takes no function: it counts every record of the window; ' +
    'to count only some, filter them before the window (or count them with agg.sum((r) => (cond(r) ? 1 : 0)))')
  return {
    kind: 'count',
    evictsAny: true,
    create: () => 0,
    add: acc => acc + 1,
    evict(acc) {
      if (acc === 0) throw evictError('count', 'nothing to evict, the accumulator is empty')
      return acc - 1
    },
    result: acc => acc,
    merge: (a, b) => a + b,
    columns: {
      // The count is the row's: nothing of its own.
      width: 0,
      init() {},
      value: () => 0,
      add() {},
      merge() {},
      result: (d, i, n) => n,
      load(d, i, acc) {
        if (typeof acc !== 'number') throw new RangeError(`count: expected a number, got ${shown(acc)}`)
        return acc
      },
    },
  }
}
