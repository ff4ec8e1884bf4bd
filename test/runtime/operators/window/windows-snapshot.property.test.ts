import test from 'ava'
import fc from 'fast-check'
import { testing, type Source } from '../../../../index.ts'
import { buildWindowPipeline, type Rec, type WindowParams } from '../../../fixtures/windows/window-pipeline.ts'
import { arraySink, outputKindArb, recordsArb } from '../../../components/windows/harness.ts'

// Every window's state holder: run to a random record, stop (nothing fires), snapshot, v8 round
// trip, restore into a fresh job, run the rest — the output must equal an uninterrupted run's.
// Inline only: the helper hands the pipeline its own source, which cannot travel to a worker.
const event = fc.record({ maxOutOfOrderness: fc.constantFrom(0, 10), allowedLateness: fc.constantFrom(0, 10) })
const cases: [string, fc.Arbitrary<WindowParams>][] = [
  ['lengthBatch', fc.integer({ min: 1, max: 5 }).map((n) => ({ type: 'lengthBatch', n }))],
  ['length', fc.integer({ min: 1, max: 5 }).map((n) => ({ type: 'length', n }))],
  ['sort', fc.integer({ min: 1, max: 5 }).map((n) => ({ type: 'sort', n }))],
  ['time', fc.integer({ min: 1, max: 40 }).map((ms) => ({ type: 'time', ms }))],
  ['timeBatch', fc.integer({ min: 1, max: 40 }).map((ms) => ({ type: 'timeBatch', ms }))],
  ['tumbling', fc.tuple(fc.integer({ min: 1, max: 30 }), event).map(([size, o]) => ({ type: 'tumbling', size, ...o }))],
  ['sliding', fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 3 }), event).map(([slide, k, o]) => ({ type: 'sliding', size: slide * k, slide, ...o }))],
  ['session', fc.tuple(fc.integer({ min: 1, max: 20 }), event).map(([gap, o]) => ({ type: 'session', gap, ...o }))],
]

for (const [name, windowArb] of cases) {
  test(`${name}: snapshot at a random record, restore, continue = the uninterrupted run (late records too)`, async (t) => {
    await fc.assert(fc.asyncProperty(recordsArb({ disorder: 20, maxLength: 30 }), windowArb, outputKindArb, fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 7 }),
      async (input, window, kind, keyed, at, batchSize) => {
        const isEvent = window.type === 'tumbling' || window.type === 'sliding' || window.type === 'session'
        const lates: Rec[][] = []
        const build = (source: Source<Rec>) => {
          const late: Rec[] = []
          lates.push(late)
          return buildWindowPipeline({ input, window, kind, keyed }, source, isEvent ? arraySink(late) : undefined)
        }
        const report = await testing.snapshotRestoreEquals(build, input, {
          at: at % (input.length + 1),
          run: { batchSize },
          advance: window.type === 'time' || window.type === 'timeBatch' ? (r) => (r.id % 7 === 0 ? 0 : (r.v + 20) % 13) : undefined,
          clockStart: 5_000,
        })
        t.true(report.equal, report.difference)
        t.deepEqual([...lates[1], ...lates[2]], lates[0]) // uninterrupted = before ++ after
        t.true(report.snapshot.has('out-w/w'))
      }), { numRuns: 40 })
  })
}
