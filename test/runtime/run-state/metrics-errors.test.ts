// metrics().errors: the run record's errors as the runner last wrote them — the same entries
// readRunRecord (and `oxiflow state show --json`) give. The oracle is the record in the store.
import test from 'ava'
import { pipeline, readRunRecord, sinks, sources, stores, StepError } from '../../../index.ts'
import { storeBefore } from '../../fixtures/slow-store.ts'

test('failed checkpoints go on record and into metrics().errors, the same entries; beyond 20 the dropped ones are counted alike', async (t) => {
  t.timeout(60_000)
  let down = true
  const store = storeBefore('put', () => { if (down) throw new Error('disk full (test)') })
  const job = pipeline('errors-in-metrics').source('gen', sources.generator({ seed: 1, keys: 3, rate: 5000 }))
    .sink('out', sinks.collect()).run({ store, checkpointInterval: 10, heartbeatInterval: 15 })
  t.teardown(() => job.stop().then(() => undefined, () => undefined))
  // Each write lists the checkpoint failures since the last one: wait until older entries made room.
  while ((job.metrics().errorsDropped ?? 0) < 3) await new Promise((r) => setTimeout(r, 20))
  const during = job.metrics()
  t.is(during.errors!.length, 20)
  t.true(during.errors!.every((e) => e.code === 'ERR_CHECKPOINT_FAILED' && e.step === null && /disk full \(test\)/.test(e.message)), JSON.stringify(during.errors![0]))
  down = false
  await job.stop()
  const record = (await readRunRecord(store, 'errors-in-metrics'))!
  const after = job.metrics()
  t.deepEqual(after.errors, record.errors)
  t.is(after.errorsDropped, record.errorsDropped)
  t.true(record.errorsDropped >= 3)
})

test("a failed job's error is the newest in metrics().errors, with the step, code, message and offset the record has", async (t) => {
  const store = stores.memory()
  const job = pipeline('fails-in-metrics')
    .source('numbers', sources.iterable(Array.from({ length: 5000 }, (_, i) => i + 1)))
    .map('explode', (x: number) => { if (x === 3001) throw new Error('cannot take 3001'); return x })
    .sink('out', sinks.collect()).run({ store, batchSize: 100 })
  const e = await t.throwsAsync(job.done, { instanceOf: StepError })
  const m = job.metrics()
  const record = (await readRunRecord(store, 'fails-in-metrics'))!
  t.deepEqual(m.errors, record.errors)
  t.is(m.errorsDropped, 0)
  t.like(m.errors!.at(-1), { step: 'explode', code: 'ERR_STEP', message: e!.message, offset: e!.offset, retryable: false })
})

test('a job without a store keeps no run record and has no errors in its metrics', async (t) => {
  const job = pipeline('no-store').source('numbers', sources.iterable([1, 2, 3])).sink('out', sinks.collect()).run()
  await job.done
  t.false('errors' in job.metrics())
  t.false('errorsDropped' in job.metrics())
})
