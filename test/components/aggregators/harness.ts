// Shared by the aggregator tests (not a test file itself: ava runs *.test.ts only).
import fc from 'fast-check'
import type { Aggregator } from '../../../runtime/contracts/aggregator.ts'

/** A record of the tests: the value is all aggregators look at. */
export interface Rec<T = unknown> {
  readonly value: T
}

/** One step of a window: add a record with this value, or evict the oldest (a no-op when empty). */
export type Op<T> = { readonly add: T } | { readonly evict: true }

/** Random add/evict sequences, adds more likely so windows grow and shrink. */
export function opsArb<T>(value: fc.Arbitrary<T>, maxLength = 80): fc.Arbitrary<Op<T>[]> {
  return fc.array(
    fc.oneof(
      { arbitrary: value.map(add => ({ add })), weight: 3 },
      { arbitrary: fc.constant({ evict: true as const }), weight: 2 },
    ),
    { maxLength },
  )
}

/**
 * Numbers that stress compensated sums: small integers (duplicates), wide doubles of both signs,
 * tiny fractions, and values near 1e8/1e15 that cancel to a small remainder.
 */
export const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
  fc.constantFrom(1e8, -1e8, 1e8 + 0.5, 1e15, -1e15, 1e15 + 1, 0.1, -0.1, 3e-7),
)

/**
 * Applies `ops` to `acc` and to the plain `window` array, calling `check` after each op. Every
 * added record also goes to `history` (evicted ones stay there), for tolerances that depend on
 * the magnitudes an accumulator has seen.
 */
export function replay<T, A, V>(
  agg: Aggregator<Rec<T>, A, V>,
  acc: A,
  window: Rec<T>[],
  ops: readonly Op<T>[],
  check: (acc: A) => void = () => {},
  history: Rec<T>[] = [],
): A {
  for (const op of ops) {
    if ('add' in op) {
      const record = { value: op.add }
      acc = agg.add(acc, record)
      window.push(record)
      history.push(record)
    } else if (window.length > 0) {
      acc = agg.evict(acc, window.shift()!)
    }
    check(acc)
  }
  return acc
}

/** True when `got` is within 1e-9 relative of `expected`, plus `absolute` (both null counts too). */
export function close(got: unknown, expected: unknown, absolute = 0): boolean {
  if (typeof got !== 'number' || typeof expected !== 'number') return got === expected
  return Math.abs(got - expected) <= 1e-9 * Math.abs(expected) + absolute
}

/**
 * A near-exact sum as the oracle: Neumaier over the values sorted by magnitude, recomputed from
 * the window's current contents (no history, so no drift to inherit).
 */
export function referenceSum(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => Math.abs(a) - Math.abs(b))
  let hi = 0
  let lo = 0
  for (const x of sorted) {
    const t = hi + x
    lo += Math.abs(hi) >= Math.abs(x) ? (hi - t) + x : (x - t) + hi
    hi = t
  }
  return hi + lo
}
