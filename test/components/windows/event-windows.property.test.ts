import test from 'ava'
import fc from 'fast-check'
import { WORKERS, byKey, runs, expectedOutput, outputKindArb, recordsArb, runWindow } from './harness.ts'
import { sessionOracle, slidingOracle, type EventOptions, type OracleResult, type Rec } from './oracle.ts'

// In order (disorder 0) and out of order (records up to 25 ms behind), with and without lateness;
// the watermark is generated per instance from the records (WORKERS instances when keyed).
const optionsArb = fc.record({
  maxOutOfOrderness: fc.constantFrom(0, 5, 20),
  allowedLateness: fc.constantFrom(0, 10),
  keyed: fc.boolean(),
})
const caseArb = fc.tuple(fc.constantFrom(0, 25), optionsArb)
  .chain(([disorder, o]) => fc.record({ input: recordsArb({ disorder }), o: fc.constant(o), kind: outputKindArb, batchSize: fc.integer({ min: 1, max: 9 }) }))
const parallelism = (o: EventOptions) => (o.keyed ? Math.max(1, WORKERS) : 1)

function check(t: { deepEqual(a: unknown, b: unknown): void; is(a: unknown, b: unknown): void },
  run: { out: unknown[]; late: Rec[] | undefined; lateCount: number | undefined }, kind: Parameters<typeof expectedOutput>[0], expected: OracleResult): void {
  t.deepEqual(byKey(run.out), byKey(expectedOutput(kind, expected)))
  if (run.late) t.deepEqual(run.late, expected.late)
  t.is(run.lateCount, expected.late.length)
}

test('tumbling fires per key window when the watermark passes its end; late records counted and routed, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 40 }), async ({ input, o, kind, batchSize }, size) => {
    const run = await runWindow({ input, window: { type: 'tumbling', size, ...o }, kind, keyed: o.keyed }, { batchSize })
    check(t, run, kind, slidingOracle(input, size, size, { ...o, parallelism: parallelism(o) }))
  }), runs(t, 80))
})

test('sliding fires each of a record\'s windows when the watermark passes its end, as the oracle', async (t) => {
  const sizes = fc.integer({ min: 1, max: 30 }).chain((slide) => fc.tuple(fc.integer({ min: slide, max: slide * 4 }), fc.constant(slide)))
  await fc.assert(fc.asyncProperty(caseArb, sizes, async ({ input, o, kind, batchSize }, [size, slide]) => {
    const run = await runWindow({ input, window: { type: 'sliding', size, slide, ...o }, kind, keyed: o.keyed }, { batchSize })
    check(t, run, kind, slidingOracle(input, size, slide, { ...o, parallelism: parallelism(o) }))
  }), runs(t, 80))
})

test('session merges records at most gap apart, bridges sessions out of order, fires once the watermark reaches windowEnd, as the oracle', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 30 }), async ({ input, o, kind, batchSize }, gap) => {
    const run = await runWindow({ input, window: { type: 'session', gap, ...o }, kind, keyed: o.keyed }, { batchSize })
    check(t, run, kind, sessionOracle(input, gap, { ...o, parallelism: parallelism(o) }))
  }), runs(t, 80))
})

test('no record is lost: every input record is in a fired window or counted late', async (t) => {
  await fc.assert(fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 40 }), async ({ input, o }, size) => {
    const { out, lateCount } = await runWindow({ input, window: { type: 'tumbling', size, ...o }, kind: 'collect', keyed: o.keyed })
    const seen = new Set<number>()
    for (const w of out as { records: Rec[] }[]) for (const r of w.records) seen.add(r.id)
    t.is(seen.size + lateCount!, input.length)
  }), runs(t, 40))
})
