import test from 'ava'
import { expansionAdd, expansionAddProduct, expansionValue } from '../../../components/aggregators/exact-sum.ts'

const sumOf = (xs: number[]) => {
  const parts: number[] = []
  for (const x of xs) expansionAdd(parts, x)
  return expansionValue(parts)
}

// Cases from CPython's test_math.testFsum: exact sums rounded once, half-way cases to even.
const table: Array<[number[], number]> = [
  [[], 0],
  [[1e100, 1, -1e100, 1e-100, 1e50, -1, -1e50], 1e-100],
  [[2 ** 53, -0.5, -(2 ** -54)], 2 ** 53 - 1],
  [[2 ** 53, 1, 2 ** -100], 2 ** 53 + 2],
  [[2 ** 53 + 10, 1, 2 ** -100], 2 ** 53 + 12],
  [[2 ** 53 - 4, 0.5, 2 ** -54], 2 ** 53 - 3],
  [[1.7976931348623157e308, -1.7976931348623157e308, 1], 1],
  [Array.from({ length: 10 }, () => 0.1), 1],
]

for (const [xs, expected] of table) {
  test(`expansion sum of [${xs.length > 8 ? `${xs.length} values` : xs.join(', ')}] is ${expected}, correctly rounded`, t => {
    t.is(sumOf(xs), expected)
  })
}

test('expansionAddProduct keeps the low half a double product rounds away', t => {
  const parts: number[] = []
  expansionAddProduct(parts, 1e8 + 1, 1e8 + 1) // 1e16 + 2e8 + 1: odd, above 2^53
  expansionAdd(parts, -1e16 - 2e8)
  t.is(expansionValue(parts), 1)
})
