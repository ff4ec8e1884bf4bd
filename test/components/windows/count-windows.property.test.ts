import test from 'ava'
import fc from 'fast-check'
import { byKey, runs, expectedOutput, outputKindArb, recordsArb, runWindow } from './harness.ts'
import { lengthBatchOracle, lengthOracle, sortOracle } from './oracle.ts'

const caseArb = fc.record({ input: recordsArb(), n: fc.integer({ min: 1, max: 6 }), keyed: fc.boolean(), kind: outputKindArb, batchSize: fc.integer({ min: 1, max: 9 }) })

test('lengthBatch(n) fires every n records of a key, and the partial batch at the end, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, async ({ input, n, keyed, kind, batchSize }) => {
    const { out } = await runWindow({ input, window: { type: 'lengthBatch', n }, kind, keyed }, { batchSize })
    t.deepEqual(byKey(out), byKey(expectedOutput(kind, lengthBatchOracle(input, n, keyed))))
  }), runs(t, 60))
})

test('length(n) fires on every record over the key\'s last n records, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, async ({ input, n, keyed, kind, batchSize }) => {
    const { out } = await runWindow({ input, window: { type: 'length', n }, kind, keyed }, { batchSize })
    t.deepEqual(byKey(out), byKey(expectedOutput(kind, lengthOracle(input, n, keyed))))
  }), runs(t, 60))
})

test('sort(n, compare) fires on every record with the key\'s n smallest in order, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, async ({ input, n, keyed, kind, batchSize }) => {
    const { out } = await runWindow({ input, window: { type: 'sort', n }, kind, keyed }, { batchSize })
    t.deepEqual(byKey(out), byKey(expectedOutput(kind, sortOracle(input, n, keyed))))
  }), runs(t, 60))
})

test('count windows give the same output whatever the batch size', async (t) => {
  await fc.assert(fc.asyncProperty(recordsArb(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), async (input, n, batchSize) => {
    const c = { input, window: { type: 'lengthBatch', n } as const, kind: 'collect' as const, keyed: true }
    const a = await runWindow(c, { batchSize })
    const b = await runWindow(c, { batchSize: 1024 })
    t.deepEqual(byKey(a.out), byKey(b.out))
  }), runs(t, 30))
})
