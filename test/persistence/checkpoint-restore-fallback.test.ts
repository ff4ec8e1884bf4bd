import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { isCorruptSnapshotError } from '../../persistence/codec/corrupt-snapshot-error.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { checkpoints, pipeline, sinks, sources, stores, type StateStore } from '../../index.ts'
import { cliInProcess } from '../cli/run-cli.ts'
import renamedStep from '../fixtures/cli/renamed-step.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'
import { holderFor, rewriteManifest, undecodableBlob } from './fixtures/crafted-checkpoints.ts'

// Issue 13, low item: a manifest whose checksum is valid but whose blob key is invalid, or whose
// blob passes its checksum but does not decompress, aborted `verify` and `restore: 'latest'`.
// Each is a problem of that checkpoint: verify reports it, latest skips it and says why.

const holders = [
  { stateId: 'src/offsets', state: { offset: 42 } },
  { stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]), dependsOn: ['src/offsets'] },
]

/** Checkpoints 1 (sound) and 2 (sound until the test damages it) of pipeline 'p'. */
async function twoCheckpoints() {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, holders)
  const second = await writeCheckpoint(cs, holders)
  return { cs, second }
}

const badKeys = [
  'pipelines/p/checkpoints/../../x',
  'pipelines/other/checkpoints/0000000002/agg~sum.blob',
  'pipelines/p/run',
  '',
]

for (const key of badKeys) {
  test(`verify_validManifestNamingBlobKey '${key}'_problemOfThatCheckpointAndLatestSkipsIt`, async (t) => {
    const { cs, second } = await twoCheckpoints()
    await rewriteManifest(cs.store, second, (hs) => hs.map((h) => h.stateId === 'agg/sum' ? { ...h, blob: key } : h))
    const report = await cs.verify(2)
    t.false(report.ok)
    t.deepEqual(report.problems.map((p) => [p.step, p.stateId]), [['agg', 'agg/sum']])
    t.regex(report.problems[0]!.problem, /^invalid blob key: /)
    const latest = await cs.latestValid()
    t.is(latest.checkpoint?.checkpointId, 1)
    t.deepEqual(latest.skipped.map((s) => s.id), [2])
    t.regex(latest.skipped[0]!.reason, /state 'agg\/sum' of step 'agg': invalid blob key/)
    // Reading the step's state names the blob instead of failing in the store.
    const e = await t.throwsAsync(cs.readState(2, 'agg'))
    t.true(isCorruptSnapshotError(e), String(e))
  })
}

for (const codec of ['zstd', 'lz4', 'snappy'] as const) {
  test(`verify_${codec}BlobWithValidChecksumThatDoesNotDecompress_problemAndLatestSkipsIt`, async (t) => {
    const { cs, second } = await twoCheckpoints()
    const h = second.holders.find((x) => x.stateId === 'agg/sum')!
    const garbage = undecodableBlob(codec)
    await cs.store.put(h.blob, garbage)
    await rewriteManifest(cs.store, second, (hs) => hs.map((x) => x.stateId === 'agg/sum' ? holderFor(x, garbage, codec) : x))
    const report = await cs.verify(2)
    t.false(report.ok)
    t.deepEqual(report.problems.map((p) => p.stateId), ['agg/sum'])
    t.regex(report.problems[0]!.problem, /^does not decode: /)
    const latest = await cs.latestValid()
    t.is(latest.checkpoint?.checkpointId, 1)
    t.regex(latest.skipped[0]!.reason, /does not decode/)
  })
}

test('verify_payloadDecompressesButIsNotV8_problem', async (t) => {
  const { cs, second } = await twoCheckpoints()
  const h = second.holders.find((x) => x.stateId === 'agg/sum')!
  const payload = new Uint8Array(40).fill(0xee)
  const garbage = undecodableBlob('none', payload, payload.length)
  await cs.store.put(h.blob, garbage)
  await rewriteManifest(cs.store, second, (hs) => hs.map((x) => x.stateId === 'agg/sum' ? holderFor(x, garbage, 'none', payload.length) : x))
  t.regex((await cs.verify(2)).problems[0]?.problem ?? '', /^does not decode: v8\.deserialize failed/)
})

test('delete_manifestNamingAnotherPipelinesBlob_leavesThatBlob', async (t) => {
  const store = new MemoryStore()
  const other = new CheckpointStore(store, 'other')
  const theirs = await writeCheckpoint(other, holders)
  const cs = new CheckpointStore(store, 'p')
  const mine = await writeCheckpoint(cs, holders)
  const foreign = theirs.holders.find((h) => h.stateId === 'agg/sum')!.blob
  await rewriteManifest(store, mine, (hs) => hs.map((h) => h.stateId === 'agg/sum' ? { ...h, blob: foreign } : h))
  await cs.delete(1)
  t.not(await store.get(foreign), undefined)
  t.true((await other.verify(1)).ok)
})

type Out = { key: string; value: number }

/** Three checkpoints of the fixture pipeline (two on demand, the stop's final one); returns the store. */
async function threeCheckpoints(store: StateStore): Promise<void> {
  const job = renamedStep({ step: 'count' }).run({ store })
  await new Promise((r) => setTimeout(r, 100))
  await job.checkpoint()
  await new Promise((r) => setTimeout(r, 50))
  await job.checkpoint()
  await job.stop()
}

test("restore_latest_newestUndecodableAndNextBadKey_fallsBackToTheOldestAndSaysWhy", async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  await threeCheckpoints(store)
  const cs = new CheckpointStore(store, 'renamed-step')
  const [third, second] = [await cs.read(3), await cs.read(2)]
  const count = third.holders.find((h) => h.step === 'count')!
  const garbage = undecodableBlob()
  await store.put(count.blob, garbage)
  await rewriteManifest(store, third, (hs) => hs.map((h) => h.stateId === count.stateId && h.blob === count.blob ? holderFor(h, garbage) : h))
  await rewriteManifest(store, second, (hs) => hs.map((h) => h.step === 'count' ? { ...h, blob: 'pipelines/renamed-step/checkpoints/../x.blob' } : h))
  const b = await renamedStep({ step: 'count' }).run({ store, restore: 'latest' }).done
  t.is(b.restore?.checkpointId, 1)
  t.deepEqual(b.restore?.skipped.map((s) => s.id), [3, 2])
  t.regex(b.restore?.message ?? '', /skipped checkpoint 3: .*does not decode.*skipped checkpoint 2: .*invalid blob key/)
  // The oracle: a plain count per key over the generator's records. Restored from checkpoint 1,
  // each key's last count is its total.
  const records = (await pipeline('oracle').source('gen', sources.generator({ seed: 5, count: 30_000, keys: 7 })).sink('out', sinks.collect()).run().done).results.out as Array<{ key: string }>
  const totals = new Map<string, number>()
  for (const r of records) totals.set(r.key, (totals.get(r.key) ?? 0) + 1)
  const last = new Map((b.results.out as Out[]).map((o) => [o.key, o.value]))
  t.deepEqual([...last].sort(), [...totals].sort())
})

test('CLI: checkpoints verify reports a bad blob key and an undecodable blob per checkpoint, exit 1', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-verify-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = stores.file(dir)
  const cs = new CheckpointStore(store, 'p')
  await writeCheckpoint(cs, holders)
  const second = await writeCheckpoint(cs, holders)
  const third = await writeCheckpoint(cs, holders)
  await rewriteManifest(store, second, (hs) => hs.map((h) => h.stateId === 'agg/sum' ? { ...h, blob: 'pipelines/p/checkpoints/../../x' } : h))
  const h = third.holders.find((x) => x.stateId === 'agg/sum')!
  const garbage = undecodableBlob()
  await store.put(h.blob, garbage)
  await rewriteManifest(store, third, (hs) => hs.map((x) => x.stateId === 'agg/sum' ? holderFor(x, garbage) : x))
  await store.close()
  const r = await cliInProcess(['checkpoints', 'verify', 'p', '--store', dir])
  t.is(r.code, 1, r.stderr)
  t.regex(r.stdout, /checkpoint 3: CORRUPT \(1 bad blob\)\n  step 'agg' \(agg\/sum\): does not decode: /)
  t.regex(r.stdout, /checkpoint 2: CORRUPT \(1 bad blob\)\n  step 'agg' \(agg\/sum\): invalid blob key: /)
  t.regex(r.stdout, /checkpoint 1: ok/)
  t.deepEqual((await checkpoints(stores.file(dir), 'p').verify()).map((v) => v.ok), [false, false, true])
})
