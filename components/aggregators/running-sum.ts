import type { AccumulatorColumns, Aggregator } from '../../runtime/contracts/aggregator.ts'
import { evictError, finiteNumberOf, valueError } from './aggregator-checks.ts'
import { shown } from '../../runtime/option-checks.ts'

/**
 * Accumulator of `sum` and `avg`: `n` values whose sum is `hi + lo`, a Neumaier compensated sum —
 * `lo` collects the low-order bits each addition to `hi` rounded away.
 *
 * @example
 * const acc: RunningSumAcc = { n: 2, hi: 1e16, lo: 1 } // 1e16 + 1, which one double cannot hold
 */
export interface RunningSumAcc {
  n: number
  hi: number
  lo: number
}

/**
 * Adds `x` to `hi + lo` with Neumaier's step. Each rounding error is recovered exactly (a TwoSum
 * taken from whichever operand is larger — Kahan's variant loses it when `x` is the larger), so a
 * sliding sum that subtracts evicted values does not drift the way a plain running sum does; the
 * test sum.test.ts shows the plain one off by orders of magnitude over 1e5 evictions.
 *
 * @example
 * const s = { n: 0, hi: 0, lo: 0 }; neumaierAdd(s, 1e16); neumaierAdd(s, 1) // s.hi + s.lo === 1e16 + 1
 */
export function neumaierAdd(s: { hi: number; lo: number }, x: number): void {
  const t = s.hi + x
  s.lo += Math.abs(s.hi) >= Math.abs(x) ? (s.hi - t) + x : (x - t) + s.hi
  s.hi = t
}

/**
 * The largest |x| `sum` and `avg` take: Number.MAX_VALUE / 2^53 rounded down, so that no sum of
 * up to 2^53 values — a window's, any part of one left after evictions, two merged — leaves the
 * range of a double. Past it, `hi` overflowed to ±Infinity, `lo` to ∓Infinity, and the sum
 * read NaN for good (1e308 + 1e308, even with −1e308 added after): failing names the record.
 */
export const SUM_MAX_ABS = 1e292

/** `fn(record)` when it is a finite number with |x| ≤ SUM_MAX_ABS (−0 read as 0), else ERR_AGGREGATE_VALUE naming `kind`. */
function summand<R>(kind: string, fn: (record: R) => number, record: R): number {
  const x = finiteNumberOf(kind, fn, record)
  if (x > SUM_MAX_ABS || x < -SUM_MAX_ABS) throw valueError(kind, 'a finite number with |x| <= 1e292 (a sum of larger ones can leave the range of a double)', x)
  return x
}

/**
 * The add/evict/merge part of `sum` and `avg` (they differ only in `result`), with messages
 * naming `kind`. The result here is the sum.
 *
 * @example
 * const avg = { ...runningSum('avg', fn), result: acc => acc.n === 0 ? null : (acc.hi + acc.lo) / acc.n }
 */
export function runningSum<R>(kind: string, fn: (record: R) => number): Aggregator<R, RunningSumAcc, number> {
  return {
    kind,
    evictsAny: true,
    create: () => ({ n: 0, hi: 0, lo: 0 }),
    add(acc, record) {
      neumaierAdd(acc, summand(kind, fn, record))
      acc.n++
      return acc
    },
    evict(acc, record) {
      if (acc.n === 0) throw evictError(kind, 'nothing to evict, the accumulator is empty')
      const x = summand(kind, fn, record)
      acc.n--
      // An empty window sums to exactly 0, not to the residue of a long history of roundings.
      if (acc.n === 0) {
        acc.hi = 0
        acc.lo = 0
      } else {
        neumaierAdd(acc, -x)
      }
      return acc
    },
    result: acc => acc.hi + acc.lo,
    merge(a, b) {
      neumaierAdd(a, b.hi)
      neumaierAdd(a, b.lo)
      a.n += b.n
      return a
    },
    columns: runningSumColumns(kind, fn),
  }
}

/** The accumulator `{ n, hi, lo }` as two fields of a row (the row keeps `n`): `add`, `merge` and the sum exactly as on the object. */
function runningSumColumns<R>(kind: string, fn: (record: R) => number): AccumulatorColumns<number> {
  return {
    width: 2,
    init(d, i) {
      d[i] = 0
      d[i + 1] = 0
    },
    value: (record) => summand(kind, fn, record as R),
    finite: fn as (record: unknown) => unknown,
    maxAbs: SUM_MAX_ABS,
    add(d, i, x) {
      neumaierAddAt(d, i, x)
    },
    merge(d, into, from) {
      neumaierAddAt(d, into, d[from])
      neumaierAddAt(d, into, d[from + 1])
    },
    result: (d, i) => d[i] + d[i + 1],
    load(d, i, acc) {
      const a = acc as RunningSumAcc
      if (typeof a?.n !== 'number' || typeof a.hi !== 'number' || typeof a.lo !== 'number') throw new RangeError(`${kind}: expected { n, hi, lo }, got ${shown(acc)}`)
      d[i] = a.hi
      d[i + 1] = a.lo
      return a.n
    },
  }
}

/** neumaierAdd on the pair `d[i]` (hi), `d[i + 1]` (lo). */
function neumaierAddAt(d: Float64Array, i: number, x: number): void {
  const h = d[i]
  const t = h + x
  d[i + 1] += Math.abs(h) >= Math.abs(x) ? (h - t) + x : (x - t) + h
  d[i] = t
}
