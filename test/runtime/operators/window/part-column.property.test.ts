// A snapshot column is built slice by slice in the narrowest form its values allow: one value
// repeated, int32, or float64. Oracle: the values themselves, bit for bit (Object.is), and the
// form a plain scan of all values would pick.
import test from 'ava'
import fc from 'fast-check'
import { PartColumnBuilder } from '../../../../runtime/operators/window/part-column-builder.ts'
import { columnValues, dedupeColumns, isConstantColumn, isSameColumn, type Column } from '../../../../runtime/operators/window/part-column.ts'

const value = fc.oneof(fc.constantFrom(0, -0, 1, -1, NaN, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 0.5, Infinity), fc.integer(), fc.double())
const isInt32 = (v: number): boolean => (v | 0) === v && !Object.is(v, -0)

test('a column built in random slices holds every value bit for bit, in the narrowest form', (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  fc.assert(fc.property(fc.oneof(fc.array(value, { maxLength: 60 }), fc.tuple(value, fc.nat(40)).map(([v, n]) => Array<number>(n).fill(v)),
    fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 60 })), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }), fc.boolean(),
  (values, cuts, constants) => {
    const b = new PartColumnBuilder(values.length + 5, constants)
    const scratch = new Float64Array(64)
    for (let at = 0, i = 0; at < values.length; i++) {
      const n = Math.min(cuts[i % cuts.length]!, values.length - at)
      // The scratch keeps stale values past n: the builder must read only n.
      scratch.fill(12345.5)
      for (let j = 0; j < n; j++) scratch[j] = values[at + j]!
      b.append(scratch, n)
      at += n
    }
    t.is(b.size, values.length)
    const column = b.build()
    t.is(column.length, values.length)
    const back = columnValues([column], 0)
    for (let i = 0; i < values.length; i++) if (!Object.is(back[i], values[i]) && !(Number.isNaN(back[i]) && Number.isNaN(values[i]))) return false
    const allSame = values.length > 0 && values.every((v) => Object.is(v, values[0]))
    const form = isConstantColumn(column) ? 'constant' : column instanceof Int32Array ? 'int32' : 'float64'
    const expected = values.length === 0 ? 'int32' : constants && allSame ? 'constant' : values.every(isInt32) ? 'int32' : 'float64'
    t.is(form, expected, `values ${JSON.stringify(values.map(String))}`)
    return true
  }), { numRuns: 500, seed })
})

test('a constant column is only well formed with a number and a non-negative integer length', (t) => {
  t.true(isConstantColumn({ constant: 0, length: 0 }))
  t.false(isConstantColumn({ constant: '1', length: 2 }))
  t.false(isConstantColumn({ constant: 1, length: -1 }))
  t.false(isConstantColumn({ constant: 1, length: 1.5 }))
  t.false(isConstantColumn(new Float64Array(2)))
  t.false(isConstantColumn(null))
})

test('dedupeColumns turns a column equal to an earlier one into a reference, and columnValues resolves it to the same values', (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  const column = fc.oneof(
    fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 6 }).map((xs) => Int32Array.from(xs)),
    fc.array(fc.constantFrom(0, -0, 1, 0.5, 2), { minLength: 1, maxLength: 6 }).map((xs) => Float64Array.from(xs)),
    fc.tuple(fc.constantFrom(0, 7), fc.integer({ min: 1, max: 6 })).map(([constant, length]) => ({ constant, length })),
  )
  fc.assert(fc.property(fc.array(column, { maxLength: 8 }), (cols: Column[]) => {
    const copies = cols.map((c) => (ArrayBuffer.isView(c) ? c.slice() : c))
    const out = dedupeColumns(copies)
    t.is(out.length, cols.length)
    for (let i = 0; i < cols.length; i++) {
      const o = out[i]!
      const original = cols[i]!
      const a = columnValues(cols, i)
      const b = columnValues(out, i)
      t.is(b.length, a.length)
      for (let j = 0; j < a.length; j++) t.true(Object.is(a[j], b[j]), `column ${i} value ${j}`)
      if (isSameColumn(o)) {
        t.true(o.sameAs < i)
        t.false(isSameColumn(out[o.sameAs]))
        t.is(original.constructor, out[o.sameAs]!.constructor, 'a reference only between columns of one type')
      } else if (ArrayBuffer.isView(original)) {
        // Not a reference: no earlier column of its type held the same values.
        for (let j = 0; j < i; j++) {
          const e = cols[j]!
          const same = ArrayBuffer.isView(e) && e.constructor === original.constructor && e.length === original.length &&
            Array.from(e as Float64Array).every((v, x) => Object.is(v, (original as Float64Array)[x]))
          t.false(same, `column ${i} equals column ${j} but was kept`)
        }
      }
    }
  }), { numRuns: 300, seed })
})

test('columnValues refuses a reference to itself, a later column or another reference', (t) => {
  const a = Int32Array.of(1, 2)
  t.throws(() => columnValues([{ sameAs: 0, length: 2 }], 0), { instanceOf: RangeError })
  t.throws(() => columnValues([{ sameAs: 1, length: 2 }, a], 0), { instanceOf: RangeError })
  t.throws(() => columnValues([a, { sameAs: 0, length: 2 }, { sameAs: 1, length: 2 }], 2), { instanceOf: RangeError })
  t.deepEqual(Array.from(columnValues([a, { sameAs: 0, length: 2 }], 1)), [1, 2])
})
