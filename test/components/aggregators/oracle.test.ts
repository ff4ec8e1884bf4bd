// Every aggregator against a brute-force oracle over the window's current contents: after every
// add and evict, after merges (and while going on from a merge), and across a v8 snapshot.
import { deserialize, serialize } from 'node:v8'
import test from 'ava'
import fc from 'fast-check'
import type { Aggregator } from '../../../runtime/contracts/aggregator.ts'
import * as agg from '../../../components/aggregators/index.ts'
import { close, numberArb, opsArb, type Rec, referenceSum, replay } from './harness.ts'

interface Case {
  readonly name: string
  readonly make: () => Aggregator<Rec<any>, any, unknown>
  readonly values: fc.Arbitrary<unknown>
  readonly oracle: (values: any[]) => unknown
  /** `history`: every value added so far, evicted ones included. */
  readonly equal: (got: unknown, expected: unknown, history: any[]) => boolean
}

const value = (r: Rec<any>) => r.value
const same = (got: unknown, expected: unknown) => Object.is(got, expected)
// min/max/percentile read -0 as 0; the oracle sees raw values, and 0 === -0.
const sameNumber = (got: unknown, expected: unknown) => got === expected
// Neumaier's bound is 2ε·|S| + O(n·ε²)·Σ|x|, the sum over every value it has seen (evicted ones
// included): 1e-9 relative plus 1e-28 (ε² ≈ 1.2e-32, times room for the op count) of that.
const closeSum = (got: unknown, expected: unknown, history: number[]) =>
  close(got, expected, 1e-28 * history.reduce((s, x) => s + Math.abs(x), 0))
// Squares below ~1e-300 underflow and lose bits: a window of only values below ~1e-150 has its
// stddev right to about 1e-160 absolute, no better (documented on agg.stddev).
const closeStddev = (got: unknown, expected: unknown) => close(got, expected, 1e-155)

function stddevOracle(xs: number[]): number | null {
  if (xs.length === 0) return null
  // Corrected two-pass (Chan, Golub & LeVeque): subtracting (Σ(x−m))²/n cancels the error of the
  // rounded mean m, which a plain two-pass keeps as n·(m − μ)².
  const m = referenceSum(xs) / xs.length
  const d = xs.map(x => x - m)
  const s = referenceSum(d)
  return Math.sqrt(Math.max(0, referenceSum(d.map(x => x * x)) - (s * s) / xs.length) / xs.length)
}

function percentileOracle(p: number) {
  return (xs: number[]): number | null => {
    if (xs.length === 0) return null
    const sorted = [...xs].sort((a, b) => a - b)
    let k = 1
    while (k * 100 < p * sorted.length) k++ // nearest rank: the smallest k with k/n ≥ p/100
    return sorted[k - 1]!
  }
}

const anyValue = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 2 }), fc.constant(undefined), fc.constant(null))
const distinctValue = fc.oneof(
  fc.integer({ min: -4, max: 4 }),
  fc.constantFrom('a', 'b', '1', 1n, true, false, null, undefined, Number.NaN, -0, 0.5),
)

const cases: Case[] = [
  { name: 'count', make: () => agg.count(), values: numberArb, oracle: xs => xs.length, equal: same },
  { name: 'sum', make: () => agg.sum(value), values: numberArb, oracle: xs => referenceSum(xs), equal: closeSum },
  {
    name: 'avg', make: () => agg.avg(value), values: numberArb,
    oracle: xs => (xs.length === 0 ? null : referenceSum(xs) / xs.length),
    equal: closeSum, // the error of the sum, divided by n ≥ 1
  },
  { name: 'min', make: () => agg.min(value), values: numberArb, oracle: xs => (xs.length === 0 ? null : Math.min(...xs)), equal: sameNumber },
  { name: 'max', make: () => agg.max(value), values: numberArb, oracle: xs => (xs.length === 0 ? null : Math.max(...xs)), equal: sameNumber },
  { name: 'min of few distinct values (ties)', make: () => agg.min(value), values: fc.integer({ min: 0, max: 3 }), oracle: xs => (xs.length === 0 ? null : Math.min(...xs)), equal: sameNumber },
  { name: 'max of few distinct values (ties)', make: () => agg.max(value), values: fc.integer({ min: 0, max: 3 }), oracle: xs => (xs.length === 0 ? null : Math.max(...xs)), equal: sameNumber },
  { name: 'distinctCount', make: () => agg.distinctCount(value), values: distinctValue, oracle: xs => new Set(xs).size, equal: same },
  { name: 'stddev', make: () => agg.stddev(value), values: numberArb, oracle: stddevOracle, equal: closeStddev },
  {
    name: 'stddev near a large mean', make: () => agg.stddev(value),
    values: fc.integer({ min: -1000, max: 1000 }).map(i => 1e9 + i / 64), oracle: stddevOracle, equal: closeStddev,
  },
  { name: 'first', make: () => agg.first(value), values: anyValue, oracle: xs => (xs.length === 0 ? null : xs[0]), equal: same },
  { name: 'last', make: () => agg.last(value), values: anyValue, oracle: xs => (xs.length === 0 ? null : xs.at(-1)), equal: same },
  ...[0, 1, 25, 50, 90, 99.9, 100].map((p): Case => ({
    name: `percentile p=${p}`, make: () => agg.percentile(value, p), values: numberArb, oracle: percentileOracle(p), equal: sameNumber,
  })),
  {
    name: 'percentile p=50 with many duplicates', make: () => agg.percentile(value, 50),
    values: fc.integer({ min: 0, max: 2 }), oracle: percentileOracle(50), equal: sameNumber,
  },
]

function expectMatch(c: Case, acc: unknown, aggregator: Aggregator<Rec<any>, any, unknown>, window: Rec<any>[], history: Rec<any>[], when: string): void {
  const values = window.map(r => r.value)
  const got = aggregator.result(acc)
  const expected = c.oracle(values)
  if (!c.equal(got, expected, history.map(r => r.value))) {
    throw new Error(`${c.name} ${when}: got ${String(got)}, oracle ${String(expected)}, window [${values.map(String).join(', ')}]`)
  }
}

for (const c of cases) {
  test(`${c.name} matches the brute-force oracle after every add and evict`, t => {
    fc.assert(fc.property(opsArb(c.values), ops => {
      const a = c.make()
      const window: Rec<any>[] = []
      const history: Rec<any>[] = []
      replay(a, a.create(), window, ops, acc => expectMatch(c, acc, a, window, history, 'after an op'), history)
    }))
    t.pass()
  })

  test(`${c.name} merge of adjacent ranges equals one accumulator over both, and keeps working`, t => {
    fc.assert(fc.property(opsArb(c.values), opsArb(c.values), opsArb(c.values, 40), (opsA, opsB, opsAfter) => {
      const a = c.make()
      const windowA: Rec<any>[] = []
      const windowB: Rec<any>[] = []
      const history: Rec<any>[] = []
      const accA = replay(a, a.create(), windowA, opsA, undefined, history)
      const accB = replay(a, a.create(), windowB, opsB, undefined, history)
      const bBefore = structuredClone(accB)
      const window = [...windowA, ...windowB]
      const merged = a.merge(accA, accB)
      expectMatch(c, merged, a, window, history, 'after merge')
      replay(a, merged, window, opsAfter, acc => expectMatch(c, acc, a, window, history, 'after merge, then an op'), history)
      // Going on with the merged accumulator must not have touched b.
      if (fc.stringify(accB) !== fc.stringify(bBefore)) throw new Error('merge changed b')
    }))
    t.pass()
  })

  test(`${c.name} survives a v8 serialize round trip mid-sequence: going on equals an uninterrupted run`, t => {
    fc.assert(fc.property(opsArb(c.values), opsArb(c.values), (before, after) => {
      const a = c.make()
      const window: Rec<any>[] = []
      const acc = replay(a, a.create(), window, before)
      const restored = deserialize(serialize(acc))
      const windowCopy = [...window]
      const uninterrupted: unknown[] = []
      const resumed: unknown[] = []
      replay(a, acc, window, after, x => uninterrupted.push(a.result(x)))
      replay(a, restored, windowCopy, after, x => resumed.push(a.result(x)))
      if (fc.stringify(resumed) !== fc.stringify(uninterrupted)) {
        throw new Error(`resumed ${fc.stringify(resumed)} != uninterrupted ${fc.stringify(uninterrupted)}`)
      }
    }))
    t.pass()
  })
}
