import test from 'ava'
import fc from 'fast-check'
import v8 from 'node:v8'
import { isDeepStrictEqual } from 'node:util'
import { encodeValues, type ValueColumns } from '../../../../runtime/operators/window/value-columns.ts'
import { decodeValues } from '../../../../runtime/operators/window/value-columns-reader.ts'

// Window states written as columns by shape read back as v8.serialize + deserialize would give
// them (the oracle): numbers bit for bit (−0, NaN), strings, booleans, null, undefined, plain
// objects with their keys in order, arrays, Maps, and anything else as v8 keeps it.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)

const roundTrip = (list: unknown[]): unknown[] | undefined => {
  const columns = encodeValues(list)
  return columns === undefined ? undefined : decodeValues(v8.deserialize(v8.serialize(columns)) as ValueColumns)
}
const viaV8 = (list: unknown[]): unknown[] => v8.deserialize(v8.serialize(list)) as unknown[]

const leaf = fc.oneof(
  fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 31 - 1), fc.string(), fc.boolean(),
  fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.bigInt(), fc.constant(new Set([1, 'a'])),
)
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('obj'), tie('arr'), tie('map')),
  obj: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '__proto__', 'constructor')), tie('v'), { maxKeys: 5 }),
  arr: fc.array(tie('v'), { maxLength: 5 }),
  map: fc.array(fc.tuple(fc.oneof(leaf, fc.constant({ a: 1 })), tie('v')), { maxLength: 4 }).map((es) => new Map(es)),
}))
// Window states are lists of one shape: many values built alike, with now and then another.
const stateLike = fc.record({ seq: fc.nat(), records: fc.record({ items: fc.array(fc.record({ k: fc.string(), v: fc.double(), t: fc.integer() }), { maxLength: 4 }), head: fc.nat(3) }),
  acc: fc.tuple(fc.nat(), fc.record({ n: fc.nat(), hi: fc.double(), lo: fc.double() }), fc.array(fc.tuple(fc.nat(), fc.integer()), { maxLength: 3 }),
    fc.array(fc.tuple(fc.oneof(fc.integer(), fc.string()), fc.nat()), { maxLength: 3 }).map((es) => new Map(es))) })

for (const [what, arb] of [['any plain values', fc.array(value.v, { maxLength: 20 })], ['lists of window-state-like values', fc.array(fc.oneof(stateLike, stateLike, value.v), { maxLength: 30 })]] as const) {
  test(`${what}: read back as v8 would give them (seed ${seed})`, (t) => {
    t.log(`fast-check seed ${seed}`)
    fc.assert(fc.property(arb, (list) => {
      const back = roundTrip(list as unknown[])
      // Encoding gives up only on holes and cycles, which these values do not have.
      return back !== undefined && isDeepStrictEqual(back, viaV8(list as unknown[])) &&
        back.every((x, i) => !isPlainObject(x) || sameKeyOrder(x, (list as unknown[])[i]))
    }), { seed, numRuns: 300 })
    t.pass()
  })
}

const isPlainObject = (x: unknown): x is object => typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype
const sameKeyOrder = (a: object, b: unknown): boolean => JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b as object))

test('an own __proto__ key stays a property: the object read back has Object.prototype and the key', (t) => {
  const [o] = roundTrip([JSON.parse('{"a":1,"__proto__":{"polluted":true}}')]) as [Record<string, unknown>]
  t.is(Object.getPrototypeOf(o), Object.prototype)
  t.deepEqual(Object.keys(o), ['a', '__proto__'])
  t.deepEqual(Object.getOwnPropertyDescriptor(o, '__proto__')?.value, { polluted: true })
  t.is(({} as Record<string, unknown>).polluted, undefined)
})

test('numbers: int32 columns when every number is one, float64 otherwise; −0 is not an int32', (t) => {
  t.true(encodeValues([1, 2, -3])!.numbers instanceof Int32Array)
  t.true(encodeValues([1, 2 ** 31])!.numbers instanceof Float64Array)
  const zero = encodeValues([0, -0])!
  t.true(zero.numbers instanceof Float64Array)
  t.true(Object.is(decodeValues(zero)[1], -0))
})

test('gives up (undefined, the caller uses v8) on an array with holes and on a cycle; an undefined element is kept', (t) => {
  // eslint-disable-next-line no-sparse-arrays
  t.is(encodeValues([[1, , 3]]), undefined)
  const cyclic: Record<string, unknown> = { a: 1 }
  cyclic.self = cyclic
  t.is(encodeValues([cyclic]), undefined)
  t.deepEqual(roundTrip([[1, undefined, 3]]), [[1, undefined, 3]])
})

test('does not keep identity: an object reached twice reads back as two equal objects (why .reduce states are not written by shape)', (t) => {
  const shared = { n: 1 }
  const [back] = roundTrip([{ a: shared, b: shared }]) as [{ a: object; b: object }]
  t.deepEqual(back.a, back.b)
  t.not(back.a, back.b)
})

test('malformed columns are refused with a RangeError, never read past', (t) => {
  const good = encodeValues([{ a: 1, b: 'x' }, { a: 2, b: 'y' }, [1, 2], new Map([[1, 2]])])!
  const bad: [string, unknown, RegExp][] = [
    ['not columns', null, /expected value columns/],
    ['a kind out of range', { n: 1, kinds: 12 }, /one kind below 10/],
    ['fewer kinds than values', { ...good, kinds: new Uint8Array(1) }, /expected 4 kinds/],
    ['a number column too short', { n: 2, kinds: 4, numbers: Int32Array.of(1) }, /more values need numbers/],
    ['numbers left over', { n: 1, kinds: 4, numbers: Int32Array.of(1, 2) }, /more values than their kinds take/],
    ['an array without items', { n: 1, kinds: 6, lengths: Uint32Array.of(2) }, /needs items/],
    ['an array longer than its items', { n: 1, kinds: 6, lengths: Uint32Array.of(3), items: { n: 2, kinds: 0 } }, /read past its end/],
    ['a shape out of range', { n: 1, kinds: 8, shapes: [['a']], shapeOf: Uint16Array.of(4), fields: [[{ n: 1, kinds: 0 }]] }, /shape 4 of 1/],
    ['a shape with a key twice', { n: 1, kinds: 8, shapes: [['a', 'a']], fields: [[{ n: 1, kinds: 0 }, { n: 1, kinds: 0 }]] }, /distinct keys/],
    ['fields that do not match the shapes', { n: 1, kinds: 8, shapes: [['a']], fields: [] }, /a list of columns per key/],
  ]
  for (const [what, columns, message] of bad) t.throws(() => decodeValues(columns as ValueColumns), { instanceOf: RangeError, message }, what)
  t.deepEqual(decodeValues(good), [{ a: 1, b: 'x' }, { a: 2, b: 'y' }, [1, 2], new Map([[1, 2]])])
})
