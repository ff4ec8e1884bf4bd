import test from 'ava'
import fc from 'fast-check'
import { testing } from '../../../../index.ts'
import { packKeys, unpackKeys } from '../../../../runtime/operators/window/key-table.ts'
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
        type Part = { cols: Float64Array[] }
        const entry = report.snapshot.get('out-w/w') as { instances: Map<number, { keys?: unknown; columns?: Part; shared?: Part }>[] }
        for (const g of entry.instances[0].values()) {
          t.is(g.keys, undefined, 'no list of [key, state] objects')
          const part = g.shared ?? g.columns!
          t.true(part.cols.every((c) => c instanceof Float64Array))
          if (part.cols[0].length > 0) columnar++
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
