import test from 'ava'
import { stddev } from '../../../components/aggregators/stddev.ts'
import type { Rec } from './harness.ts'

const value = (r: Rec<number>) => r.value

// [values in the window, population stddev] — large means with small spreads are where a running
// Σx² in doubles (or Welford with removal) loses every digit.
const table: Array<[string, number[], number]> = [
  ['textbook values', [2, 4, 4, 4, 5, 5, 7, 9], 2],
  ['one record', [1e9 + 0.5], 0],
  ['equal records', [3.3, 3.3, 3.3], 0],
  ['around 1e9, spread 1', [1e9 - 1, 1e9 + 1, 1e9 - 1, 1e9 + 1], 1],
  ['around 1e15, spread 0.5', [1e15, 1e15 + 1], 0.5],
  ['epoch milliseconds one second apart', [1_700_000_000_000, 1_700_000_001_000], 500],
]

for (const [name, values, expected] of table) {
  test(`stddev of ${name} is ${expected}`, t => {
    const a = stddev(value)
    let acc = a.create()
    for (const v of values) acc = a.add(acc, { value: v })
    t.is(a.result(acc), expected)
  })
}

test('stddev after a long slide past huge values is exact for the small values left', t => {
  const a = stddev(value)
  let acc = a.create()
  const window: Rec<number>[] = []
  const slide = (v: number) => {
    const r = { value: v }
    acc = a.add(acc, r)
    window.push(r)
    if (window.length > 10) acc = a.evict(acc, window.shift()!)
  }
  for (let i = 0; i < 10_000; i++) slide((i % 2 === 0 ? 1 : -1) * (1e12 + i * 0.37))
  for (let i = 0; i < 10; i++) slide(i % 2) // the window is now five 0s and five 1s
  t.is(a.result(acc), 0.5)
  t.true(acc.sx.length <= 3 && acc.sxx.length <= 3, `expansions stay short: ${acc.sx.length}, ${acc.sxx.length}`)
})
