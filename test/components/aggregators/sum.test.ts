import test from 'ava'
import { avg } from '../../../components/aggregators/avg.ts'
import { sum } from '../../../components/aggregators/sum.ts'
import { close, type Rec, referenceSum } from './harness.ts'

/** A fixed-seed LCG: the same 101 000 values on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

test('sliding sum over 1e5 evictions of mixed ~1e8 and ~1e-3 values stays within 1e-9 relative of the exact sum, where a plain running sum drifts', t => {
  const rand = lcg(42)
  const window = 1000
  const n = 100_000 + window
  // Blocks of 2000 records: every third block is half ~1e8 values, the others only ~1e-3 values,
  // so the window keeps going from huge sums to sums near 1e-2 — where drift shows.
  const values = Array.from({ length: n }, (_, i) => {
    const big = Math.floor(i / 2000) % 3 === 0 && rand() < 0.5
    return (rand() < 0.5 ? -1 : 1) * (big ? 1e8 : 1e-3) * (1 + rand())
  })
  const total = sum((r: Rec<number>) => r.value)
  let acc = total.create()
  let plain = 0
  let worst = 0
  let worstPlain = 0
  let checks = 0
  for (let i = 0; i < n; i++) {
    acc = total.add(acc, { value: values[i]! })
    plain += values[i]!
    if (i >= window) {
      acc = total.evict(acc, { value: values[i - window]! })
      plain -= values[i - window]!
    }
    if (i % 100 === 99) {
      const exact = referenceSum(values.slice(Math.max(0, i + 1 - window), i + 1))
      worst = Math.max(worst, Math.abs(total.result(acc) - exact) / Math.abs(exact))
      worstPlain = Math.max(worstPlain, Math.abs(plain - exact) / Math.abs(exact))
      checks++
    }
  }
  t.is(checks, 1010)
  t.true(worst <= 1e-9, `worst relative error ${worst}`)
  t.true(worstPlain > 1e-3, `the plain running sum should drift here (worst ${worstPlain}); else this test proves nothing`)
})

test('sum is exactly 0 and avg null once every record is evicted, whatever rounding came before', t => {
  const total = sum((r: Rec<number>) => r.value)
  const mean = avg((r: Rec<number>) => r.value)
  const records = [0.1, 1e17, 0.2, -3e16, 0.3].map(value => ({ value }))
  let s = total.create()
  let m = mean.create()
  for (const r of records) {
    s = total.add(s, r)
    m = mean.add(m, r)
  }
  for (const r of records) {
    s = total.evict(s, r)
    m = mean.evict(m, r)
  }
  t.true(Object.is(total.result(s), 0))
  t.is(mean.result(m), null)
})

test('sum keeps the low bits a double cannot hold next to a large value', t => {
  const total = sum((r: Rec<number>) => r.value)
  let acc = total.create()
  for (const value of [1e16, 1, 1, -1e16]) acc = total.add(acc, { value })
  t.is(total.result(acc), 2) // a plain sum gives 0: 1e16 + 1 rounds back to 1e16
})

test('avg is the compensated sum divided by the count', t => {
  const mean = avg((r: Rec<number>) => r.value)
  let acc = mean.create()
  for (const value of [1e8 + 0.25, 1e8 - 0.25, 0.5, -0.5]) acc = mean.add(acc, { value })
  t.true(close(mean.result(acc), 5e7))
  acc = mean.evict(acc, { value: 1e8 + 0.25 })
  t.true(close(mean.result(acc), (1e8 - 0.25) / 3))
})
