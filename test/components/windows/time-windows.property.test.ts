import test from 'ava'
import fc from 'fast-check'
import { virtualClock } from '../../../index.ts'
import { byKey, expectedOutput, outputKindArb, recordsArb, runWindow } from './harness.ts'
import { timeBatchOracle, timeOracle } from './oracle.ts'

// Processing time runs on a virtual clock moved by the source before each record: no real waiting.
const arrivalsArb = (n: number) => fc.array(fc.integer({ min: 0, max: 30 }), { minLength: n, maxLength: n })
  .map((gaps) => { let a = 10_000; return gaps.map((g) => (a += g)) })
const caseArb = fc.record({
  inputAndArrival: recordsArb().chain((input) => fc.tuple(fc.constant(input), arrivalsArb(input.length))),
  ms: fc.integer({ min: 1, max: 40 }),
  keyed: fc.boolean(),
  kind: outputKindArb,
})

test('time(ms) fires on arrival over the key\'s records of the last ms, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, async ({ inputAndArrival: [input, arrival], ms, keyed, kind }) => {
    const { out } = await runWindow({ input, window: { type: 'time', ms }, kind, keyed }, { clock: virtualClock(10_000), arrival })
    t.deepEqual(byKey(out), byKey(expectedOutput(kind, timeOracle(input, arrival, ms, keyed))))
  }), { numRuns: 60 })
})

test('timeBatch(ms) fires each aligned window once the clock passes its end, and open ones at the end, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, async ({ inputAndArrival: [input, arrival], ms, keyed, kind }) => {
    const { out } = await runWindow({ input, window: { type: 'timeBatch', ms }, kind, keyed }, { clock: virtualClock(10_000), arrival })
    t.deepEqual(byKey(out), byKey(expectedOutput(kind, timeBatchOracle(input, arrival, ms, keyed))))
  }), { numRuns: 60 })
})
