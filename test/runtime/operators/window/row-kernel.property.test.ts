// The window step's generated kernel (tumbling and lengthBatch windows with aggregates in columns)
// takes only records it handles exactly as the general path would. Oracle: the same pipeline with
// its aggregators stripped of their column form (the step keeps objects and never runs a kernel).
// Inputs mix keys, out-of-order and late records, values and event times the step refuses
// (onError 'skip': counted as failed, nothing half-added), and batches of 1 to 9 records.
import test from 'ava'
import fc from 'fast-check'
import { agg, pipeline, sinks, sources, windows, type Aggregator, type Key, type Window } from '../../../../index.ts'

interface Ev { readonly k: Key; readonly v: unknown; readonly t: unknown }

const value = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: -50, max: 50 }).map((n) => n / 4) }, { weight: 1, arbitrary: fc.constantFrom('x', Number.NaN, null) })
// Event times rise by 2 a record, each moved back by up to 40 or on by up to 4: records on time,
// out of order within maxOutOfOrderness, late within allowedLateness and later than that.
const time = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: -40, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom('7', Infinity) })
const records = fc.array(fc.record({ k: fc.constantFrom<Key>('a', 'b', 'c', 'd', 0, -0, 2.5, true, 7n), v: value, t: time }), { maxLength: 160 })
  .map((rs) => rs.map((r, i) => (typeof r.t === 'number' && Number.isFinite(r.t) ? { ...r, t: Math.max(0, i * 2 + r.t) } : r)))

const windowArb: fc.Arbitrary<{ name: string; make: () => Window<Ev> }> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => ({ name: `lengthBatch(${n})`, make: () => windows.lengthBatch(n) as Window<Ev> })),
  fc.tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom(0, 5), fc.constantFrom(0, 20)).map(([size, ooo, lateness]) => ({
    name: `tumbling(${size}, ${ooo}, ${lateness})`,
    make: () => windows.tumbling({ size, time: (r: Ev) => r.t as number, maxOutOfOrderness: ooo, allowedLateness: lateness }),
  })),
)

const num = (r: Ev) => r.v as number
const fields = { n: agg.count<Ev>(), total: agg.sum(num), lo: agg.min(num), hi: agg.max(num), mean: agg.avg(num) }
/** The aggregator without its column form: the step keeps it in objects. */
const inObjects = (a: Aggregator<Ev, any, any>): Aggregator<Ev, any, any> =>
  ({ ...a, columns: undefined, ...(a.appendOnly && { appendOnly: { ...a.appendOnly, columns: undefined } }) })
const objectFields = Object.fromEntries(Object.entries(fields).map(([n, a]) => [n, inObjects(a)]))

async function run(input: readonly Ev[], w: Window<Ev>, keyed: boolean, batchSize: number, aggregates: Record<string, Aggregator<Ev, any, any>>) {
  const src = pipeline('kernel').source('in', sources.iterable(input))
  const s = await (keyed ? src.keyBy((r) => r.k) : src).window('w', w).aggregate('stats', aggregates, { onError: 'skip' })
    .sink('out', sinks.collect()).run({ batchSize }).done
  return { out: s.results.out, failed: s.steps.stats.failed, late: s.steps.stats.late }
}

test('columns with the kernel = objects, record for record (keys: strings, numbers, −0, booleans, bigints): output in order, failed and late counts', async (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  await fc.assert(fc.asyncProperty(records, windowArb, fc.boolean(), fc.integer({ min: 1, max: 9 }), async (input, w, keyed, batchSize) => {
    const objects = await run(input, w.make(), keyed, batchSize, objectFields)
    const columns = await run(input, w.make(), keyed, batchSize, fields)
    t.deepEqual(columns, objects, `${w.name}, keyed ${keyed}, batch ${batchSize}`)
  }), { seed, numRuns: 200 })
})

test('a key function that throws fails the step in the kernel as on the general path (whatever onError), naming the record', async (t) => {
  const input: Ev[] = [{ k: 'a', v: 1, t: 1 }, { k: 'a', v: 2, t: 2 }, { k: 'a', v: 3, t: 3 }, { k: 'boom', v: 4, t: 4 }]
  const failure = async (w: Window<Ev>, aggregates: Record<string, Aggregator<Ev, any, any>>) => {
    const job = pipeline('kernel').source('in', sources.iterable(input)).keyBy((r) => { if (r.k === 'boom') throw new Error('no key'); return r.k })
      .window('w', w).aggregate('stats', aggregates, { onError: 'skip' }).sink('out', sinks.collect()).run()
    return (await t.throwsAsync(job.done))?.message
  }
  for (const make of [() => windows.lengthBatch(10) as Window<Ev>, () => windows.tumbling({ size: 100, time: (r: Ev) => r.t as number })]) {
    const expected = await failure(make(), objectFields)
    t.regex(String(expected), /no key/)
    t.is(await failure(make(), fields), expected)
  }
})
