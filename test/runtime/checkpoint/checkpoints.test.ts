import test from 'ava'
import {
  CheckpointTimeoutError, DependencyCycleError, LeaseHeldError, NoRestorableCheckpointError, StateVersionError, checkpoints, pipeline, sinks, sources, stores,
  type Oxi, type StateHolder, type StateStore,
} from '../../../index.ts'

type Rec = { id: number; key: string; value: number; ts: number }

/** A keyed count Oxi with its own holder, at a given state version (migrating from 1.0 when asked). */
function counting(version: string, onBatchCalled: () => void = () => {}, dependsOn?: string[]): () => Oxi<Rec, { key: string; n: number }> {
  return () => {
    let counts = new Map<string, number>()
    const holder: StateHolder<unknown> = {
      stateId: 'count/totals', stateVersion: version, ...(dependsOn && { dependsOn }),
      snapshot: () => (version.startsWith('1.1') ? { counts: new Map(counts) } : new Map(counts)),
      restore: (state, from) => {
        // 1.0 wrote the Map itself; 1.1 wraps it: the migration a minor version allows.
        counts = new Map(from.startsWith('1.0') ? state as Map<string, number> : (state as { counts: Map<string, number> }).counts)
      },
    }
    return {
      onBatch(records, ctx) {
        onBatchCalled()
        for (const r of records) { const n = (counts.get(r.key) ?? 0) + 1; counts.set(r.key, n); ctx.emit({ key: r.key, n }) }
      },
      holders: () => [holder],
    }
  }
}

function job(count: number, version = '1.0.0', onBatch?: () => void, rate?: number) {
  const p = pipeline('cp')
  p.source('gen', sources.generator({ seed: 3, count, keys: 7, ...(rate && { rate }) }))
    .keyBy((r) => r.key).process('count', counting(version, onBatch)).sink('out', sinks.collect())
  return p
}

test('job.checkpoint() commits a checkpoint and reports its id, sizes, duration and steps', async (t) => {
  const store = stores.memory()
  const j = job(50_000, '1.0.0', undefined, 100_000).run({ store })
  await new Promise((r) => setTimeout(r, 100))
  const c = await j.checkpoint()
  t.is(c.id, 1)
  t.true(c.bytes > 0 && c.rawBytes > 0 && c.durationMs >= 0)
  // The steps that hold state: the generator's position and the Oxi's counts (collect() keeps none).
  t.deepEqual(Object.keys(c.steps).sort(), ['count', 'gen'])
  await j.stop()
  const list = await checkpoints(store, 'cp').list()
  t.deepEqual(list.map((l) => l.id), [2, 1]) // the final checkpoint of the stop, then ours
})

test('stop then restore latest continues exactly: the two runs together equal one uninterrupted run', async (t) => {
  const store = stores.memory()
  const whole = (await job(30_000).run().done).results.out as unknown[]
  // 1.5 s of input, stopped after 150 ms: mid-stream even when the stop's final checkpoint is
  // slow on a loaded machine (at 60,000/s the input ended first there once).
  const first = job(30_000, '1.0.0', undefined, 20_000).run({ store })
  await new Promise((r) => setTimeout(r, 150))
  const a = await first.stop()
  const b = await job(30_000).run({ store, restore: 'latest' }).done
  t.true((a.results.out as unknown[]).length < 30_000, 'the stop came mid-stream')
  t.is(b.restore?.checkpointId, a.checkpoints?.last?.id)
  t.deepEqual([...(a.results.out as unknown[]), ...(b.results.out as unknown[])], whole)
})

test("restore of another major version is refused before any record is processed, naming step, found and expected", async (t) => {
  const store = stores.memory()
  const first = job(20_000, '1.0.0', undefined, 40_000).run({ store })
  await new Promise((r) => setTimeout(r, 100))
  await first.stop()
  let calls = 0
  const e = await t.throwsAsync(job(20_000, '2.0.0', () => { calls++ }).run({ store, restore: 'latest' }).done, { instanceOf: StateVersionError })
  t.regex(e!.message, /count/)
  t.regex(e!.message, /1\.0\.0/)
  t.regex(e!.message, /2\.0\.0/)
  t.is(calls, 0)
})

test('a lower minor version is migrated by the holder and the job continues exactly', async (t) => {
  const store = stores.memory()
  const whole = (await job(20_000).run().done).results.out as unknown[]
  const first = job(20_000, '1.0.0', undefined, 40_000).run({ store })
  await new Promise((r) => setTimeout(r, 100))
  const a = await first.stop()
  const b = await job(20_000, '1.1.0').run({ store, restore: 'latest' }).done
  t.deepEqual([...(a.results.out as unknown[]), ...(b.results.out as unknown[])], whole)
})

test('a checkpoint taken with one codec restores under another codec setting', async (t) => {
  const store = stores.memory()
  const whole = (await job(20_000).run().done).results.out as unknown[]
  const first = job(20_000, '1.0.0', undefined, 40_000).run({ store, codec: 'lz4' })
  await new Promise((r) => setTimeout(r, 100))
  const a = await first.stop()
  const b = await job(20_000).run({ store, restore: 'latest', codec: 'snappy' }).done
  t.deepEqual([...(a.results.out as unknown[]), ...(b.results.out as unknown[])], whole)
})

test('a corrupt newest checkpoint is skipped with its reason and the one before is restored', async (t) => {
  const store = stores.memory()
  const first = job(40_000, '1.0.0', undefined, 40_000).run({ store })
  await new Promise((r) => setTimeout(r, 100))
  await first.checkpoint()
  await first.stop()
  const [newest] = await checkpoints(store, 'cp').list()
  const blob = (await store.list(`pipelines/cp/checkpoints/${String(newest!.id).padStart(10, '0')}/`)).find((k) => k.includes('count~totals'))!
  const bytes = (await store.get(blob))!
  bytes[bytes.length - 1] ^= 0xff
  await store.put(blob, bytes)
  const b = job(40_000).run({ store, restore: 'latest' })
  const s = await b.done
  t.is(s.restore?.checkpointId, newest!.id - 1)
  t.is(s.restore?.skipped[0]?.id, newest!.id)
  t.regex(s.restore!.skipped[0]!.reason, /count/)
  t.true(s.restore!.message.includes(`; checkpoint ${newest!.id} had committed after it: sinks that cannot take back what they published ` +
    `(sinks.jetstream, sinks.redisStream) publish again what they published from checkpoint ${newest!.id - 1} on`), s.restore!.message)
})

test("restore 'latest' where every checkpoint is damaged is refused, naming each, instead of starting fresh (found from outside)", async (t) => {
  const store = stores.memory()
  const first = job(40_000, '1.0.0', undefined, 40_000).run({ store })
  await new Promise((r) => setTimeout(r, 100))
  await first.checkpoint()
  await first.stop()
  const ids = (await checkpoints(store, 'cp').list()).map((c) => c.id)
  t.true(ids.length >= 2)
  for (const id of ids) {
    const blob = (await store.list(`pipelines/cp/checkpoints/${String(id).padStart(10, '0')}/`)).find((k) => k.includes('count~totals'))!
    const bytes = (await store.get(blob))!
    bytes[bytes.length - 1] ^= 0xff
    await store.put(blob, bytes)
  }
  let ran = false
  const e = await t.throwsAsync(job(40_000, '1.0.0', () => { ran = true }).run({ store, restore: 'latest' }).done, { instanceOf: NoRestorableCheckpointError })
  t.is(e!.code, 'ERR_NO_RESTORABLE_CHECKPOINT')
  t.deepEqual(e!.skipped.map((s) => s.id), ids)
  for (const id of ids) t.true(e!.message.includes(`checkpoint ${id}: state 'count/totals' of step 'count'`), e!.message)
  t.regex(e!.message, /oxiflow checkpoints verify cp/)
  t.false(ran, 'no record was handled')
  // Asked to start without a restore, it does; the damaged checkpoints are then superseded, and 'latest' takes that run's own.
  const fresh = await job(1000).run({ store }).done
  t.is((fresh.results.out as unknown[]).length, 1000)
  const again = await job(1000).run({ store, restore: 'latest' }).done
  t.is(again.restore?.checkpointId, Math.max(...ids) + 1)
})

test("restore 'latest' with no checkpoint starts fresh and says so", async (t) => {
  const s = await job(1000).run({ store: stores.memory(), restore: 'latest' }).done
  t.is(s.restore?.checkpointId, undefined)
  t.regex(s.restore!.message, /no valid checkpoint of pipeline 'cp' in memory store: starting fresh/)
  t.is((s.results.out as unknown[]).length, 1000)
})

test('holders whose dependsOn form a cycle are refused at start, the cycle listed', async (t) => {
  const p = pipeline('cycle')
  p.source('gen', sources.generator({ seed: 1, count: 10 }))
    .process('a', () => ({ onBatch() {}, holders: () => [{ stateId: 'a/x', stateVersion: '1.0.0', dependsOn: ['a/y'], snapshot: () => 0, restore() {} },
      { stateId: 'a/y', stateVersion: '1.0.0', dependsOn: ['a/x'], snapshot: () => 0, restore() {} }] }))
    .sink('out', sinks.collect())
  const e = await t.throwsAsync(p.run({ store: stores.memory() }).done, { instanceOf: DependencyCycleError })
  t.regex(e!.message, /a\/x -> a\/y -> a\/x/)
})

test('a checkpoint that cannot align in time is abandoned and counted; the job goes on', async (t) => {
  const p = pipeline('slow-align')
  p.source('gen', sources.generator({ seed: 1, keys: 3 }))
    .keyBy((r) => r.key).process('pass', () => ({ onBatch(rs, ctx) { for (const r of rs) ctx.emit(r) } }))
    .sink('slow', { kind: 'sink', description: 'slow', open: () => ({ write: () => new Promise<void>((r) => setTimeout(r, 150)) }) })
  const j = p.run({ store: stores.memory(), checkpointTimeout: 30, batchSize: 64 })
  await new Promise((r) => setTimeout(r, 50))
  await t.throwsAsync(j.checkpoint(), { instanceOf: CheckpointTimeoutError })
  t.is(j.metrics().checkpoints?.abandoned, 1)
  t.is(j.metrics().status, 'running')
  const s = await Promise.race([j.stop(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('stop hung')), 10_000))])
  t.is(s.status, 'stopped')
})

test('a job without a store refuses job.checkpoint() saying how to enable it', async (t) => {
  const j = job(100).run()
  const e = await t.throwsAsync(j.checkpoint())
  t.regex(e!.message, /runs without a store; run it with \{ store: '\.oxiflow' \}/)
  await j.done
})

test('a second runner of a live pipeline on the same store is refused with LeaseHeldError naming the holder', async (t) => {
  const store: StateStore = stores.memory()
  const before = process.env.OXIFLOW_RUNNER_ID
  try {
    process.env.OXIFLOW_RUNNER_ID = 'runner-a'
    const a = job(1_000_000, '1.0.0', undefined, 20_000).run({ store })
    await new Promise((r) => setTimeout(r, 50))
    process.env.OXIFLOW_RUNNER_ID = 'runner-b'
    const e = await t.throwsAsync(job(10).run({ store }).done, { instanceOf: LeaseHeldError })
    t.regex(e!.message, /pipeline 'cp' is already running: lease held by runner-a since .+; expires in \d+ s/)
    await a.stop()
    process.env.OXIFLOW_RUNNER_ID = 'runner-b'
    t.is((await job(10).run({ store }).done).status, 'completed')
  } finally {
    if (before === undefined) delete process.env.OXIFLOW_RUNNER_ID
    else process.env.OXIFLOW_RUNNER_ID = before
  }
})
