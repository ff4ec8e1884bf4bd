import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { evictError, finiteNumberOf, requireFunction, valueError } from './aggregator-checks.ts'
import { expansionAdd, expansionAddProduct, expansionValue } from './exact-sum.ts'

/**
 * Accumulator of `stddev`: `n` values with Σx in `sx` and Σx² in `sxx`, both exact (expansions,
 * see exact-sum.ts; usually 1 to 3 numbers each).
 *
 * @example
 * const acc: StddevAcc = { n: 2, sx: [3], sxx: [5] } // values 1 and 2
 */
export interface StddevAcc {
  n: number
  sx: number[]
  sxx: number[]
}

// |x| ≤ 1e100 keeps n²·x² — the largest intermediate of the result, for any n ≤ 2^53 — finite.
const MAX_ABS = 1e100

/**
 * Population standard deviation of `fn(record)` over the window, null when empty; 0 for one
 * record. Within about 1 ulp at any window length and history: Σx and Σx² are kept
 * exactly (each x² split exactly into two doubles), and the result computes n·Σx² − (Σx)² exactly
 * before one rounding. O(1) per add and evict. Why not Neumaier sums or Welford with removal: both
 * leave rounding errors of past values in the accumulator, and with a large mean and small spread
 * (timestamps, prices around 1e8) the variance formula cancels them into visible error.
 * `fn` must return a finite number with |x| ≤ 1e100. Below |x| ≈ 1e-145 squares underflow: a
 * window of only such values gets its stddev right to about 1e-160 absolute, no better.
 *
 * @example
 * agg.stddev((r: { latencyMs: number }) => r.latencyMs)
 */
export function stddev<R>(fn: (record: R) => number): Aggregator<R, StddevAcc, number | null> {
  requireFunction('stddev', fn)
  const valueOf = (record: R): number => {
    const x = finiteNumberOf('stddev', fn, record)
    if (Math.abs(x) > MAX_ABS) throw valueError('stddev', 'a finite number with |x| <= 1e100', x)
    return x
  }
  return {
    kind: 'stddev',
    evictsAny: true,
    create: () => ({ n: 0, sx: [], sxx: [] }),
    add(acc, record) {
      const x = valueOf(record)
      expansionAdd(acc.sx, x)
      expansionAddProduct(acc.sxx, x, x)
      acc.n++
      return acc
    },
    evict(acc, record) {
      if (acc.n === 0) throw evictError('stddev', 'nothing to evict, the accumulator is empty')
      const x = valueOf(record)
      expansionAdd(acc.sx, -x)
      expansionAddProduct(acc.sxx, -x, x)
      acc.n--
      return acc
    },
    result(acc) {
      if (acc.n === 0) return null
      // n²·variance = n·Σx² − (Σx)², exactly, then one rounding.
      const d: number[] = []
      for (const part of acc.sxx) expansionAddProduct(d, acc.n, part)
      for (const a of acc.sx) for (const b of acc.sx) expansionAddProduct(d, -a, b)
      // Dividing before the square root rounds the variance once and the sqrt halves that error:
      // within about 0.75 ulp, where sqrt(d) / n would be about 1.25. The clamp is for values
      // below ~1e-150, whose squares underflow: d may then come out a few 1e-324 below 0.
      return Math.sqrt(Math.max(0, expansionValue(d)) / (acc.n * acc.n))
    },
    merge(a, b) {
      for (const part of b.sx) expansionAdd(a.sx, part)
      for (const part of b.sxx) expansionAdd(a.sxx, part)
      a.n += b.n
      return a
    },
  }
}
