import test from 'ava'
import fc from 'fast-check'
import v8 from 'node:v8'
import * as agg from '../../../components/aggregators/index.ts'
import type { Aggregator } from '../../../components/aggregators/index.ts'

type Rec = { x: number }
const cases: [string, Aggregator<Rec, any, unknown>][] = [
  ['min', agg.min((r: Rec) => r.x)],
  ['max', agg.max((r: Rec) => r.x)],
  ['first', agg.first((r: Rec) => r.x)],
]
const values = fc.array(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })), { maxLength: 60 })

for (const [name, a] of cases) {
  test(`${name}: the append-only form gives the full form's result after any adds, merges and a snapshot round trip`, (t) => {
    const cheap = a.appendOnly!
    t.truthy(cheap)
    fc.assert(fc.property(values, values, (xs, ys) => {
      const fold = <A>(g: Omit<Aggregator<Rec, A, unknown>, 'appendOnly'>, vs: number[]): A => vs.reduce((acc, x) => g.add(acc, { x }), g.create())
      t.deepEqual(cheap.result(fold(cheap, xs)), a.result(fold(a, xs)))
      const merged = cheap.merge(v8.deserialize(v8.serialize(fold(cheap, xs))), fold(cheap, ys))
      t.deepEqual(cheap.result(merged), a.result(fold(a, [...xs, ...ys])))
    }))
  })
}

test('an append-only accumulator refuses eviction, naming the aggregator', (t) => {
  const e = t.throws(() => agg.min((r: Rec) => r.x).appendOnly!.evict({ n: 1, value: 1 }, { x: 1 }))
  t.regex(e!.message, /^agg\.min: /)
})
