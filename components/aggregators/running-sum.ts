import type { AccumulatorColumns, Aggregator } from '../../runtime/contracts/aggregator.ts'
import { evictError, finiteNumberOf } from './aggregator-checks.ts'
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
      neumaierAdd(acc, finiteNumberOf(kind, fn, record))
      acc.n++
      return acc
    },
    evict(acc, record) {
      if (acc.n === 0) throw evictError(kind, 'nothing to evict, the accumulator is empty')
      const x = finiteNumberOf(kind, fn, record)
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

/** The accumulator `{ n, hi, lo }` in three columns: `add`, `merge` and the sum exactly as on the object. */
function runningSumColumns<R>(kind: string, fn: (record: R) => number): AccumulatorColumns<number> {
  return {
    width: 3,
    init(c, at, row) {
      c[at][row] = 0
      c[at + 1][row] = 0
      c[at + 2][row] = 0
    },
    value: (record) => finiteNumberOf(kind, fn, record as R),
    finite: fn as (record: unknown) => unknown,
    add(c, at, row, x) {
      neumaierAddAt(c[at + 1], c[at + 2], row, x)
      c[at][row]++
    },
    merge(c, at, into, from) {
      neumaierAddAt(c[at + 1], c[at + 2], into, c[at + 1][from])
      neumaierAddAt(c[at + 1], c[at + 2], into, c[at + 2][from])
      c[at][into] += c[at][from]
    },
    result: (c, at, row) => c[at + 1][row] + c[at + 2][row],
    load(c, at, row, acc) {
      const a = acc as RunningSumAcc
      if (typeof a?.n !== 'number' || typeof a.hi !== 'number' || typeof a.lo !== 'number') throw new RangeError(`${kind}: expected { n, hi, lo }, got ${shown(acc)}`)
      c[at][row] = a.n
      c[at + 1][row] = a.hi
      c[at + 2][row] = a.lo
    },
  }
}

/** neumaierAdd on `hi[row]`, `lo[row]`. */
function neumaierAddAt(hi: Float64Array, lo: Float64Array, row: number, x: number): void {
  const h = hi[row]
  const t = h + x
  lo[row] += Math.abs(h) >= Math.abs(x) ? (h - t) + x : (x - t) + h
  hi[row] = t
}
