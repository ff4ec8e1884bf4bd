import test from 'ava'
import v8 from 'node:v8'
import { packSlice, unpackSlice } from '../../../../runtime/operators/window/slice-records.ts'

// A slice of window states is serialized with its record queues as exchange columns when their
// records are flat; anything else stays as v8 writes it. Either way it reads back equal.
const roundTrip = (states: unknown[]): unknown[] => unpackSlice(v8.deserialize(v8.serialize(packSlice(states))))
const flat = (i: number) => ({ k: `k${i}`, v: i * 1.5, t: 1_000 + i, ok: i % 2 === 0, note: null })

const cases: [string, unknown[], boolean][] = [
  ['length states with flat records, a dead prefix kept by its head', [
    { seq: 4, records: { items: [flat(0), flat(1), flat(2)], head: 1 }, acc: [3, { n: 2, hi: 1, lo: 0 }] },
    { seq: 1, records: { items: [flat(3)], head: 0 }, acc: [1, { n: 1, hi: 3, lo: 0 }] },
    { seq: 0, records: { items: [], head: 0 }, acc: [0, { n: 0, hi: 0, lo: 0 }] },
  ], true],
  ['states without a queue and kept bytes beside queues', [
    { windows: [{ start: 0, end: 10, acc: [new Map([[1, 2]])], fired: false }] }, new Uint8Array([1, 2, 3]),
    { seq: 2, records: { items: [flat(5), flat(6)], head: 0 }, acc: null },
  ], true],
  ['records that are not flat (v8 is the fallback)', [{ seq: 1, records: { items: [{ k: 'a', nested: { x: 1 } }], head: 0 }, acc: null }], false],
  ['records of different shapes', [{ seq: 2, records: { items: [{ a: 1 }, { b: 2 }], head: 0 }, acc: null }], false],
  ['a records field that is not exactly a queue', [{ seq: 1, records: { items: [flat(1)], head: 0, extra: true }, acc: null }], false],
  ['no states', [], false],
]

for (const [what, states, columnar] of cases) {
  test(`${what}: ${columnar ? 'columns' : 'as v8 writes them'}, read back equal, the live states unchanged`, (t) => {
    const before = v8.deserialize(v8.serialize(states))
    const packed = packSlice(states)
    t.is(!Array.isArray(packed), columnar)
    t.deepEqual(roundTrip(states), before)
    t.deepEqual(states, before, 'packing copies a state whose queue it takes')
  })
}

test('a malformed slice is a RangeError naming what was expected', (t) => {
  t.throws(() => unpackSlice({ states: [{}], queued: new Int32Array(2), records: {} }), { instanceOf: RangeError, message: /one per state/ })
  const packed = packSlice([{ seq: 1, records: { items: [flat(1)], head: 0 }, acc: null }]) as { states: unknown[]; queued: Int32Array }
  t.throws(() => unpackSlice({ ...packed, queued: Int32Array.of(2) }), { instanceOf: RangeError, message: /fewer records than the queues take/ })
  t.throws(() => unpackSlice({ ...packed, queued: Int32Array.of(0) }), { instanceOf: RangeError, message: /the queues take 0 records, the slice has 1/ })
})
