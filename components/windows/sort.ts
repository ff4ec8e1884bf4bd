import type { Window } from '../../runtime/contracts/window.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { positiveInteger } from './window-options.ts'

/**
 * One key's sort window: how many records it has seen, the ≤ n smallest sorted, their aggregate.
 *
 * @example
 * const s: SortState = { seen: 5, records: [cheapest, next], acc } // n = 2
 */
export interface SortState {
  seen: number
  records: unknown[]
  acc: unknown
}

/**
 * Sort window: per key, keeps the `n` smallest records by `compare` (equal ones in arrival order;
 * past n, the largest — among equals the newest — leaves) and fires on every record with the
 * window in sorted order: `.collect` gives the sorted records, `agg.first`/`agg.last` the smallest
 * and largest kept. `windowStart`/`windowEnd` are [0, records seen so far). Aggregators that
 * declare `evictsAny` (count, sum, avg, stddev, distinctCount, percentile) follow the window
 * incrementally; `min`, `max`, `first`, `last` and custom ones without it are computed from the
 * ≤ n kept records at each emission, as is `.reduce`. Insertion is a binary search plus an O(n)
 * splice. Memory: n records per key.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.market).window('top3', windows.sort(3, (a, b) => a.price - b.price))
 *   .collect('cheapest')
 */
export function sort<R>(n: number, compare: (a: R, b: R) => number): Window<R, SortState> {
  positiveInteger('sort', 'n', n)
  if (typeof compare !== 'function') {
    throw new InvalidOptionError('compare', 'windows.sort: compare must be a function (a, b) => number, e.g. (a, b) => a.price - b.price')
  }
  return {
    kind: 'window',
    type: 'sort',
    description: `sort(${n})`,
    time: 'count',
    mode: 'sorted',
    stateVersion: '1.2.0',
    parameters: `n: ${n}`,
    eventTime: undefined,
    create: (host) => ({ seen: 0, records: [], acc: host.acc.create() }),
    add(host, key, state, record) {
      const rs = state.records
      // After every equal record: equal ones stay in arrival order.
      let lo = 0
      let hi = rs.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (compare(rs[mid] as R, record as R) <= 0) lo = mid + 1
        else hi = mid
      }
      state.acc = host.acc.add(state.acc, record)
      rs.splice(lo, 0, record)
      state.seen++
      if (rs.length > n) state.acc = host.acc.evict(state.acc, rs.pop())
      host.emit(key, 0, state.seen, state.acc, rs)
    },
    due: () => Infinity,
    fire() {},
    flush() {},
  }
}
