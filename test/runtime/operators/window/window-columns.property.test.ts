import test from 'ava'
import fc from 'fast-check'
import { testing } from '../../../../index.ts'
import { packKeys, unpackKeys } from '../../../../runtime/operators/window/key-table.ts'
import { KeySlots } from '../../../../runtime/operators/window/key-slots.ts'
import { RowTable } from '../../../../runtime/operators/window/row-table.ts'
import { readRowsPart, writeRowsPart } from '../../../../runtime/operators/window/row-parts.ts'
import { partKeys } from '../../../../runtime/operators/window/window-columns.ts'
import { decodeSnapshot, encodeSnapshot } from '../../../../persistence/codec/index.ts'
import { isConstantColumn, isSameColumn, type Column } from '../../../../runtime/operators/window/part-column.ts'
import { buildWindowPipeline, type WindowParams } from '../../../fixtures/windows/window-pipeline.ts'
import { recordsArb } from '../../../components/windows/harness.ts'

// Event-time windows whose aggregates all have a column form (count, sum, min, max, avg) snapshot
// their keys as raw columns: a key table and Float64Array columns per key group, no object per
// window. Snapshot at a random record, v8 round trip, restore, continue = the uninterrupted run.
const event = fc.record({ maxOutOfOrderness: fc.constantFrom(0, 10), allowedLateness: fc.constantFrom(0, 10) })
const cases: [string, fc.Arbitrary<WindowParams>][] = [
  ['tumbling', fc.tuple(fc.integer({ min: 1, max: 30 }), event).map(([size, o]) => ({ type: 'tumbling', size, ...o }))],
  ['sliding', fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 3 }), event).map(([slide, k, o]) => ({ type: 'sliding', size: slide * k, slide, ...o }))],
  ['session', fc.tuple(fc.integer({ min: 1, max: 20 }), event).map(([gap, o]) => ({ type: 'session', gap, ...o }))],
]

for (const [name, windowArb] of cases) {
  test(`${name} with numeric aggregates: the snapshot is columns, and restore + continue = the uninterrupted run`, async (t) => {
    const seed = Date.now() % 2 ** 31
    t.log(`fast-check seed ${seed}`)
    let columnar = 0
    await fc.assert(fc.asyncProperty(recordsArb({ disorder: 20, maxLength: 30 }), windowArb, fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 7 }),
      async (input, window, keyed, at, batchSize) => {
        const report = await testing.snapshotRestoreEquals((source) => buildWindowPipeline({ input, window, kind: 'columns', keyed }, source), input,
          { at: at % (input.length + 1), run: { batchSize } })
        t.true(report.equal, report.difference)
        type Part = { cols: Column[] }
        const entry = report.snapshot.get('out-w/w') as { instances: Map<number, { keys?: unknown; columns?: Part; shared?: Part }>[] }
        for (const g of entry.instances[0].values()) {
          t.is(g.keys, undefined, 'no list of [key, state] objects')
          const part = g.shared ?? g.columns!
          t.true(part.cols.every((c) => c instanceof Float64Array || c instanceof Int32Array || isConstantColumn(c) || isSameColumn(c)))
          if (part.cols[0]!.length > 0) columnar++
        }
      }), { numRuns: 40, seed })
    t.true(columnar > 0, 'some snapshots held open windows')
  })
}

test('key tables round-trip strings (empty, astral, separators), numbers (-0, NaN) and mixed keys', (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  fc.assert(fc.property(fc.oneof(
    fc.array(fc.string({ unit: 'grapheme' })),
    fc.array(fc.double()),
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean())),
  ), (keys) => {
    const back = unpackKeys(packKeys([...keys]))
    t.is(back.length, keys.length)
    for (let i = 0; i < keys.length; i++) t.true(Object.is(back[i], keys[i]), `key ${i}: ${String(keys[i])}`)
  }), { numRuns: 200, seed })
})

test('a key table whose lengths do not add up to its text is refused', (t) => {
  t.throws(() => unpackKeys({ text: 'abc', lengths: new Uint32Array([1, 1]) }), { message: /add up to 2 characters, the text has 3/ })
})

test('a part keeps each column bit for bit: int32-only columns as Int32Array, −0, fractions and large values as Float64Array', (t) => {
  const slots = new KeySlots()
  const table = new RowTable(3, 4)
  const values = [[1, 2, 3], [-0, 0, 5], [1.5, 7, 8], [2 ** 31, 1, 2]]
  const keys = ['a', 'b', 'c']
  for (let i = 0; i < 3; i++) {
    const k = slots.create(1)
    slots.bind(k, keys[i], 0, i)
    const r = table.alloc()
    for (let c = 0; c < 3; c++) table.data[r * 3 + c] = values[c === 0 ? 0 : c === 1 ? 1 : 3]![i]!
    table.next[r] = -1
    slots.heads[k] = r
  }
  const part = writeRowsPart(slots, table, -Infinity)
  t.deepEqual(part.cols.map((c) => c.constructor.name), ['Int32Array', 'Float64Array', 'Float64Array'])
  const back = new RowTable(3, 4)
  const backSlots = new KeySlots()
  const read = readRowsPart(backSlots, back, part, partKeys(part), 1)
  for (let i = 0; i < 3; i++) {
    const r = backSlots.heads[read[i]!]!
    t.true(Object.is(back.data[r * 3 + 1], values[1]![i]), `row ${i}: ${back.data[r * 3 + 1]}`)
    t.is(back.data[r * 3 + 2], values[3]![i])
  }
})

test('a part read from a decoded blob leaves no table column inside the blob\'s bytes (the blob is not kept alive by the table)', async (t) => {
  const slots = new KeySlots()
  const table = new RowTable(2, 4)
  for (let i = 0; i < 50; i++) {
    const k = slots.create(1)
    slots.bind(k, `k${i}`, 0, i)
    const r = table.alloc()
    table.data[r * 2] = i + 0.5
    table.data[r * 2 + 1] = i * 1e10
    table.next[r] = -1
    slots.heads[k] = r
  }
  const part = writeRowsPart(slots, table, -Infinity)
  const { bytes } = await encodeSnapshot(part, 'none')
  const decoded = await decodeSnapshot(bytes, 'test blob') as typeof part
  t.true(decoded.cols.some((c) => c instanceof Float64Array && c.buffer === bytes.buffer), 'the decoded columns are views into the blob')
  const back = new RowTable(2, 4)
  readRowsPart(new KeySlots(), back, decoded, partKeys(decoded), 1)
  t.not(back.data.buffer, bytes.buffer)
  for (let r = 0; r < 50; r++) t.is(back.data[r * 2], r + 0.5)
})

test('a table stores the fields its layout names: one stored twice goes once and is read back from its first column, one not stored reads back as 0', (t) => {
  // As a window's count: one field of the row, stored before each aggregate's fields.
  const slots = new KeySlots()
  const table = new RowTable(3, 4, [0, 1, 1])
  for (let i = 0; i < 3; i++) {
    const k = slots.create(1)
    slots.bind(k, `k${i}`, 0, i)
    const r = table.alloc()
    table.data.set([i + 0.5, i * 10, 99], r * 3)
    table.next[r] = -1
    slots.heads[k] = r
  }
  const part = writeRowsPart(slots, table, -Infinity)
  t.is(part.cols.length, 3)
  t.deepEqual(part.cols[2], { sameAs: 1, length: 3 })
  for (const take of [() => true, (i: number) => i !== 1]) {
    const back = new RowTable(3, 4, [0, 1, 1])
    const backSlots = new KeySlots()
    const read = readRowsPart(backSlots, back, part, partKeys(part), 1, take)
    for (let i = 0; i < 3; i++) {
      if (!take(i)) { t.is(read[i], -1); continue }
      const r = backSlots.heads[read[i]!]!
      t.deepEqual([...back.data.subarray(r * 3, r * 3 + 3)], [i + 0.5, i * 10, 0])
    }
  }
  t.throws(() => readRowsPart(new KeySlots(), new RowTable(3, 4), { ...part, cols: part.cols.slice(0, 2) }, partKeys(part), 1), { message: /expected \{ keys, rows: Uint32Array, cols: 3 / })
})
