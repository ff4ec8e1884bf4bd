import test from 'ava'
import fc from 'fast-check'
import { agg, type Aggregator } from '../../../index.ts'

// An aggregator's column form must give exactly (Object.is) what its object form gives — adds,
// then a merge of two runs — since a window step keeps event windows in columns.
type R = { v: number }
const forms: [string, () => Aggregator<R, unknown, unknown>][] = [
  ['count', () => agg.count<R>()],
  ['sum', () => agg.sum((r: R) => r.v)],
  ['avg', () => agg.avg((r: R) => r.v)],
  ['min', () => agg.min((r: R) => r.v)],
  ['max', () => agg.max((r: R) => r.v)],
]

for (const [name, make] of forms) {
  test(`${name}: the row form equals the object form on any floats, adds and a merge`, (t) => {
    const seed = Date.now() % 2 ** 31
    t.log(`fast-check seed ${seed}`)
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })),
      (xs, ys) => {
        const a = make()
        // Tumbling and session windows use the append-only form where there is one.
        const obj = (a.appendOnly ?? a) as Aggregator<R, unknown, unknown>
        const col = obj.columns!
        // Two rows of width + 1 fields, the accumulator not first in its row: offsets must be honoured.
        // The row keeps the count of values (n): the oracle for it is the input's length.
        const stride = col.width + 1
        const d = new Float64Array(2 * stride)
        const a0 = 1, a1 = stride + 1
        let left = obj.create()
        let right = obj.create()
        col.init(d, a0)
        col.init(d, a1)
        xs.forEach((v, n) => { left = obj.add(left, { v }); col.add(d, a0, col.value({ v }), n) })
        ys.forEach((v, n) => { right = obj.add(right, { v }); col.add(d, a1, col.value({ v }), n) })
        if (!Object.is(obj.result(left), col.result(d, a0, xs.length))) return false
        // What a snapshot of the object form loads into a row: the same result, and its count.
        const loaded = new Float64Array(stride + 1)
        if (col.load!(loaded, 1, left) !== xs.length || !Object.is(obj.result(left), col.result(loaded, 1, xs.length))) return false
        left = obj.merge(left, right)
        col.merge(d, a0, a1, xs.length, ys.length)
        const n = xs.length + ys.length
        return Object.is(obj.result(left), col.result(d, a0, n)) && Object.is(obj.result(right), col.result(d, a1, ys.length))
      }), { numRuns: 300, seed })
    t.pass()
  })
}

test('a value the aggregator refuses throws from value(), before any field changes', (t) => {
  const col = agg.sum((r: R) => r.v).columns!
  const d = new Float64Array(col.width)
  col.init(d, 0)
  t.throws(() => col.value({ v: Number.NaN }), { message: /finite number/ })
  t.deepEqual([...d], [0, 0])
})
