// Records a step drops under its onError policy show up as errors: per step in metrics()
// (each instance's newest few), in metrics().errors, and in the run record (oxiflow state show).
// The oracle is the set of records the map is written to fail on.
import test from 'ava'
import { pipeline, readRunRecord, sinks, sources, stores } from '../../../index.ts'
import dropping, { fails, ids } from '../../fixtures/metrics/dropping.ts'

const module = new URL('../../fixtures/metrics/dropping.ts', import.meta.url).href

for (const workers of [0, 2]) {
  test(`on ${workers} workers a skipping step lists its newest dropped records' errors in metrics(), each instance's newest, and counts them all`, async (t) => {
    const failing = ids.filter(fails).map((r) => r.id)
    const job = dropping.run({ workers, batchSize: 64, module })
    await job.done
    const m = job.metrics()
    t.is(m.steps.parse.failed, failing.length)
    const errors = m.steps.parse.errors!
    const listed = errors.map((e) => Number(/bad record (\d+)/.exec(e.message)![1]))
    t.true(errors.length >= 3 && errors.length <= 3 * Math.max(1, workers), `${errors.length} listed`)
    t.deepEqual(new Set(listed).size, listed.length, 'no error twice')
    for (const id of listed) t.true(failing.includes(id), `${id} is not a failing record`)
    // The last failing record is its instance's newest, whichever instance took it.
    t.true(listed.includes(failing.at(-1)!), `listed: ${listed.join(', ')}`)
    t.true(errors.every((e) => e.code === 'TypeError' && !e.deadLettered && /^input record \d+$/.test(e.offset) && e.ordinal >= 1))
    if (workers === 0) t.deepEqual(listed, failing.slice(-3))
    // Without a store, metrics().errors lists them as a run record would.
    t.deepEqual(m.errors!.map((e) => e.message), errors.map((e) => `record skipped (onError: 'skip') by instance ${e.instance}: ${e.message}`))
    t.true(m.errors!.every((e) => e.step === 'parse' && e.retryable === false))
  })
}

test('over many heartbeats the run record lists every dropped record once, oldest first, and metrics().errors equals it', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  // 2,000 records/s, one in 400 fails: a failure every 200 ms. Each instance keeps its 3 newest
  // errors, so a heartbeat (every 100 ms) must come within 600 ms of the last: one in 100 (a
  // failure every 50 ms) lost an error in a CI run whose heartbeats were delayed by the suite's load.
  const rare = (r: { id: number }): boolean => r.id % 400 === 7
  const job = pipeline('dropped-on-record').source('gen', sources.generator({ seed: 3, count: 4000, rate: 2000 }))
    .map('check', (r: { id: number }) => { if (rare(r)) throw new Error(`bad record ${r.id}`); return r }, { onError: 'skip' })
    .sink('out', sinks.collect()).run({ store, heartbeatInterval: 100 })
  await job.done
  const record = (await readRunRecord(store, 'dropped-on-record'))!
  const expected = Array.from({ length: 4000 }, (_, id) => ({ id })).filter(rare).map((r) => `record skipped (onError: 'skip') by instance 0: bad record ${r.id}`)
  t.deepEqual(record.errors.map((e) => e.message), expected)
  t.true(record.errors.every((e) => e.step === 'check' && e.code === 'Error' && /^input record \d+$/.test(e.offset!)))
  t.is(record.recordsFailed, expected.length)
  t.deepEqual(job.metrics().errors, record.errors)
})

test('a dead-lettering step says its records went to the dead letters', async (t) => {
  const job = pipeline('dead-lettered-errors').source('in', sources.iterable([1, 2, 3, 4]))
    .map('half', (x: number) => { if (x % 2 === 0) throw new Error(`even ${x}`); return x }, { onError: { deadLetter: sinks.collect() } })
    .sink('out', sinks.collect()).run()
  await job.done
  const errors = job.metrics().steps.half.errors!
  t.deepEqual(errors.map((e) => [e.message, e.deadLettered, e.ordinal]), [['even 2', true, 1], ['even 4', true, 2]])
  t.deepEqual(job.metrics().errors!.map((e) => e.message), ['record sent to the dead letters by instance 0: even 2', 'record sent to the dead letters by instance 0: even 4'])
})
