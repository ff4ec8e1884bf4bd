import test from 'ava'
import fc from 'fast-check'
import { percentile } from '../../../components/aggregators/percentile.ts'
import { type Rec, replay } from './harness.ts'

const value = (r: Rec<number>) => r.value

function resultOf(p: number, values: number[]): number | null {
  const a = percentile(value, p)
  let acc = a.create()
  for (const v of values) acc = a.add(acc, { value: v })
  return a.result(acc)
}

// The nearest-rank examples of the Wikipedia article "Percentile" (values given unsorted here).
const nearestRank: Array<[number[], number, number]> = [
  [[35, 20, 50, 40, 15], 5, 15],
  [[35, 20, 50, 40, 15], 30, 20],
  [[35, 20, 50, 40, 15], 40, 20],
  [[35, 20, 50, 40, 15], 50, 35],
  [[35, 20, 50, 40, 15], 100, 50],
  [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 25, 7],
  [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 50, 8],
  [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 75, 15],
  [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 100, 20],
  [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 0, 3],
  [[7], 0, 7],
  [[7], 99, 7],
]

for (const [values, p, expected] of nearestRank) {
  test(`percentile p=${p} of [${values.join(', ')}] is ${expected} by nearest rank`, t => {
    t.is(resultOf(p, values), expected)
  })
}

test('percentile ranks exactly where p·n/100 is an integer, though p/100 is inexact', t => {
  // 7 / 100 * 100 is 7.000000000000001, so ceil(p / 100 * n) would give rank 8.
  const values = Array.from({ length: 100 }, (_, i) => i + 1)
  for (const [p, expected] of [[7, 7], [14, 14], [57, 57], [14.5, 15], [0.1, 1], [99.99, 100]] as const) {
    t.is(resultOf(p, values), expected, `p=${p}`)
  }
})

test('percentile at any p in [0, 100] matches a sorted copy of the window after every add and evict', t => {
  const ops = fc.array(fc.oneof(fc.integer({ min: -20, max: 20 }).map(add => ({ add })), fc.constant({ evict: true as const })), { maxLength: 60 })
  fc.assert(fc.property(fc.double({ min: 0, max: 100, noNaN: true }), ops, (p, steps) => {
    const a = percentile(value, p)
    const window: Rec<number>[] = []
    replay(a, a.create(), window, steps, acc => {
      const sorted = window.map(r => r.value).sort((x, y) => x - y)
      let k = 1
      while (k * 100 < p * sorted.length) k++
      const expected = sorted.length === 0 ? null : sorted[k - 1]
      if (a.result(acc) !== expected) throw new Error(`p=${p}: got ${a.result(acc)}, expected ${expected}`)
    })
  }))
  t.pass()
})
