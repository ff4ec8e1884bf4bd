import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { invalidOption } from '../../runtime/option-checks.ts'
import { evictError, finiteNumberOf, requireFunction } from './aggregator-checks.ts'

/**
 * The p-th percentile of `fn(record)` over the window by nearest rank, exact, null when empty:
 * the value at rank ⌈p/100 × n⌉ (at least 1) of the n values sorted ascending, so p = 0 is the
 * minimum, p = 100 the maximum, and the answer is always one of the values.
 *
 * Memory cost: every value of the window is kept, O(window size), in one sorted array. Add and
 * evict binary-search it (O(log n)) and splice (O(n) element moves, a memmove: a few µs at 1e5
 * values); the result is O(1). A sketch (t-digest) would be O(1) memory but approximate.
 *
 * @example
 * agg.percentile((r: { latencyMs: number }) => r.latencyMs, 99) // p99 latency per window
 */
export function percentile<R>(fn: (record: R) => number, p: number): Aggregator<R, number[], number | null> {
  requireFunction('percentile', fn)
  if (typeof p !== 'number' || !(p >= 0 && p <= 100)) {
    throw invalidOption('agg.percentile', 'p', 'a number in [0, 100]', p, 'p')
  }
  return {
    kind: 'percentile',
    evictsAny: true,
    create: () => [],
    add(acc, record) {
      const x = finiteNumberOf('percentile', fn, record)
      acc.splice(firstAbove(acc, x), 0, x)
      return acc
    },
    evict(acc, record) {
      const x = finiteNumberOf('percentile', fn, record)
      const i = firstAbove(acc, x) - 1
      if (i < 0 || acc[i] !== x) throw evictError('percentile', `the evicted value ${x} is not in the window`)
      acc.splice(i, 1)
      return acc
    },
    result: acc => (acc.length === 0 ? null : acc[rank(p, acc.length) - 1]!),
    merge(a, b) {
      const merged = new Array<number>(a.length + b.length)
      let i = 0
      let j = 0
      for (let k = 0; k < merged.length; k++) merged[k] = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!
      return merged
    },
  }
}

/** Index of the first element of the ascending `sorted` greater than `x` (its length if none). */
function firstAbove(sorted: readonly number[], x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Nearest rank ⌈p·n/100⌉, clamped to [1, n]. Multiplying first matters: p/100 is inexact (0.07 is
 * not a double) and ⌈7 / 100 × 100⌉ is 8; p·n/100 is exact whenever p·n is a multiple of 100 (an
 * exact integer divided by 100), and otherwise cannot round onto an integer: above 100·k, p·n is
 * at least one of its ulps (≥ 64 ulps of k) away, so the quotient stays above k.
 */
function rank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p * n) / 100)))
}
