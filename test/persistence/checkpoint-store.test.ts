import test from 'ava'
import { crc32 } from 'node:zlib'
import { manifestKey } from '../../persistence/checkpoints/checkpoint-layout.ts'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { Manifest } from '../../persistence/checkpoints/manifest.ts'
import { CheckpointNotFoundError, isCheckpointNotFoundError } from '../../persistence/checkpoints/checkpoint-not-found-error.ts'
import { CorruptManifestError, isCorruptManifestError } from '../../persistence/checkpoints/corrupt-manifest-error.ts'
import { isCorruptSnapshotError } from '../../persistence/codec/corrupt-snapshot-error.ts'
import { isMissingBlobError } from '../../persistence/checkpoints/missing-blob-error.ts'
import { StepNotInCheckpointError } from '../../persistence/checkpoints/step-not-in-checkpoint-error.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import type { FenceToken } from '../../persistence/stores/state-store.ts'
import { flipByte, writeCheckpoint } from './checkpoint-fixture.ts'

const holders = [{ stateId: 'src/offsets', state: { offset: 3 } }, { stateId: 'agg/sum', state: new Map([['k', 1n]]) }]

/** A MemoryStore that records every put and delete, in order. */
function recordingStore() {
  const store = new MemoryStore()
  const calls: Array<{ op: 'put' | 'delete'; key: string; fence?: FenceToken | undefined }> = []
  const put = store.put.bind(store)
  const del = store.delete.bind(store)
  store.put = async (key, bytes, opts) => { calls.push({ op: 'put', key, fence: opts?.fence }); return put(key, bytes, opts) }
  store.delete = async (key) => { calls.push({ op: 'delete', key }); return del(key) }
  return { store, calls }
}

test('nextId_emptyStore_isOne', async (t) => {
  t.is(await new CheckpointStore(new MemoryStore(), 'p').nextId(), 1)
})

test('nextId_afterCommittedAndUncommitted_isMaxPlusOne', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, holders)
  await writeCheckpoint(cs, holders)
  await cs.writeBlob(3, 'agg/sum', undefined, { bytes: new Uint8Array([1]) })
  t.is(await cs.nextId(), 4)
})

test('commit_blobWithoutManifest_notListed', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const key = await cs.writeBlob(1, 'agg/sum', undefined, { bytes: new Uint8Array([1, 2, 3]) })
  t.is(key, 'pipelines/p/checkpoints/0000000001/agg~sum.blob')
  t.deepEqual(await cs.list(), [])
  t.deepEqual(await cs.latestValid(), { checkpoint: undefined, skipped: [] })
  await t.throwsAsync(cs.read(1), { instanceOf: CheckpointNotFoundError })
})

test('commit_manifestIsTheLastPut_andCarriesTheFence', async (t) => {
  const { store, calls } = recordingStore()
  const cs = new CheckpointStore(store, 'p')
  const fence = { lease: 'pipeline/p', token: 7 }
  const manifest = await writeCheckpoint(cs, holders, { fence })
  t.deepEqual(calls.map((c) => c.key), [
    'pipelines/p/checkpoints/0000000001/agg~sum.blob',
    'pipelines/p/checkpoints/0000000001/src~offsets.blob',
    'pipelines/p/checkpoints/0000000001/manifest.json',
  ])
  t.true(calls.every((c) => c.op === 'put' && c.fence?.token === 7 && c.fence.lease === 'pipeline/p'))
  t.deepEqual((await cs.list()).map((c) => c.id), [manifest.checkpointId])
})

test('commit_staleFence_refusedAndNothingCommitted', async (t) => {
  const store = new MemoryStore()
  const owner = { runner: 'r', host: 'h', pid: process.pid }
  const old = await store.lease('pipeline/p', owner, 60_000)
  await old!.release()
  await store.lease('pipeline/p', { ...owner, runner: 'r2' }, 60_000)
  const cs = new CheckpointStore(store, 'p')
  await t.throwsAsync(writeCheckpoint(cs, holders, { fence: { lease: 'pipeline/p', token: old!.token } }))
  t.deepEqual(await cs.list(), [])
})

test('commit_manifest_recordsNodeVersionAndCrc32OfItsJsonWithoutChecksum', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const manifest = await writeCheckpoint(cs, holders)
  const stored = JSON.parse(new TextDecoder().decode(await cs.store.get(manifestKey('p', 1)))) as Manifest
  const { checksum, ...rest } = stored
  t.is(checksum, crc32(JSON.stringify(rest)))
  t.is(stored.nodeVersion, process.version)
  t.deepEqual(await cs.read(1), manifest)
  t.deepEqual(manifest.holders.map((h) => [h.stateId, h.level]), [['agg/sum', 0], ['src/offsets', 0]])
})

test('list_threeCheckpoints_newestFirst', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  for (let i = 0; i < 3; i++) await writeCheckpoint(cs, holders)
  t.deepEqual((await cs.list()).map((c) => [c.id, c.ok]), [[3, true], [2, true], [1, true]])
})

/** Rewrites a stored manifest with one JSON number changed: still JSON, checksum now wrong. */
async function tamperManifest(cs: CheckpointStore, id: number): Promise<void> {
  const key = manifestKey('p', id)
  const text = new TextDecoder().decode(await cs.store.get(key))
  await cs.store.put(key, new TextEncoder().encode(text.replace(`"time": ${1_700_000_000_000 + id}`, '"time": 1')))
}

test('list_corruptManifest_listedWithItsProblem', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const m1 = await writeCheckpoint(cs, holders)
  await writeCheckpoint(cs, holders)
  await tamperManifest(cs, 2)
  const [second, first] = await cs.list()
  t.true(first!.ok && first!.manifest.checksum === m1.checksum)
  t.false(second!.ok)
  t.regex(second!.ok ? '' : second!.problem, /^checksum mismatch: expected \d+, found \d+$/)
})

test('read_corruptManifest_corruptManifestErrorNamesCheckpoint', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, holders)
  await cs.store.put(manifestKey('p', 1), flipByte(await cs.store.get(manifestKey('p', 1)) as Uint8Array, 0))
  const error = await t.throwsAsync(cs.read(1), { instanceOf: CorruptManifestError })
  t.true(isCorruptManifestError(error))
  t.is(error.code, 'ERR_CORRUPT_MANIFEST')
  t.regex(error.message, /^checkpoint 1 of pipeline 'p' has a corrupt manifest \(pipelines\/p\/checkpoints\/0000000001\/manifest\.json\): not JSON \(.+\); it cannot be restored: restore an older checkpoint \(restore: 'latest' skips this one\) or delete it with oxiflow checkpoints delete p 1 \(checkpoints\(store, 'p'\)\.delete\(1\) in code\)$/)
})

test('read_manifestCopiedToAnotherId_corruptNamingTheOtherCheckpoint', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, holders)
  await cs.store.put(manifestKey('p', 2), (await cs.store.get(manifestKey('p', 1)))!)
  const error = await t.throwsAsync(cs.read(2), { instanceOf: CorruptManifestError })
  t.is(error.problem, 'it is the manifest of checkpoint 1')
})

test('read_unknownId_notFoundListsCommittedCheckpoints', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, holders)
  await writeCheckpoint(cs, holders)
  const error = await t.throwsAsync(cs.read(9), { instanceOf: CheckpointNotFoundError })
  t.true(isCheckpointNotFoundError(error))
  t.is(error.message, `checkpoint 9 of pipeline 'p' does not exist in ${cs.store.describe()}; committed checkpoints: 2, 1: ` +
    `pick one of those (oxiflow checkpoints list p shows them, as checkpoints(store, 'p').list() does in code)`)
  const none = await t.throwsAsync(new CheckpointStore(cs.store, 'q').read(1), { instanceOf: CheckpointNotFoundError })
  t.true(none.message.endsWith('the pipeline has no committed checkpoints there: check the store and the pipeline id'))
  await t.throwsAsync(cs.read(0), { instanceOf: CheckpointNotFoundError })
})

test('latestValid_corruptNewestTwo_skipsThemSayingWhy', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  for (let i = 0; i < 3; i++) await writeCheckpoint(cs, holders)
  await tamperManifest(cs, 2)
  const m3 = await cs.read(3)
  const blob = m3.holders.find((h) => h.stateId === 'agg/sum')!.blob
  const bytes = (await cs.store.get(blob))!
  await cs.store.put(blob, flipByte(bytes, bytes.length - 1))
  const { checkpoint, skipped } = await cs.latestValid()
  t.is(checkpoint?.checkpointId, 1)
  t.is(skipped.length, 2)
  t.deepEqual(skipped[0], { id: 3, reason: "state 'agg/sum' of step 'agg': checksum mismatch" })
  t.is(skipped[1]!.id, 2)
  t.regex(skipped[1]!.reason, /^corrupt manifest: checksum mismatch: expected \d+, found \d+$/)
})

test('latestValid_everyCheckpointCorrupt_noneAndAllSkipped', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const m = await writeCheckpoint(cs, holders)
  await cs.store.delete(m.holders[0]!.blob)
  t.deepEqual(await cs.latestValid(), { checkpoint: undefined, skipped: [{ id: 1, reason: "state 'agg/sum' of step 'agg': missing" }] })
})

test('readState_unknownStep_stepNotInCheckpointListsSteps', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, holders)
  const error = await t.throwsAsync(cs.readState(1, 'count'), { instanceOf: StepNotInCheckpointError })
  t.is(error.message, "checkpoint 1 of pipeline 'p' has no state of step 'count'; steps with state in it: 'agg', 'src'; " +
    'check the step name (stateless steps such as map and filter keep no state)')
})

test('readState_missingBlob_missingBlobErrorNamesStateAndKey', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const m = await writeCheckpoint(cs, holders)
  await cs.store.delete(m.holders[0]!.blob)
  const error = await t.throwsAsync(cs.readState(1, 'agg'))
  t.true(isMissingBlobError(error))
  t.is(error.message, "checkpoint 1 of pipeline 'p': the snapshot of state 'agg/sum' (step 'agg') is missing from the store " +
    "(pipelines/p/checkpoints/0000000001/agg~sum.blob); restore an older checkpoint (restore: 'latest' skips this one)")
})

test('delete_blobReferencedByAnotherCheckpoint_kept', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const m1 = await writeCheckpoint(cs, holders)
  const shared = m1.holders.find((h) => h.stateId === 'agg/sum')!.blob
  await writeCheckpoint(cs, holders, { reuse: { 'agg/sum': shared } })
  await cs.delete(1)
  t.deepEqual(await cs.store.list('pipelines/p/checkpoints/0000000001/'), [shared])
  t.true((await cs.verify(2)).ok)
  await cs.delete(2)
  t.deepEqual(await cs.store.list('pipelines/p/'), [])
})

test('delete_unknownId_checkpointNotFound', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await t.throwsAsync(cs.delete(4), { instanceOf: CheckpointNotFoundError })
})

test('readState_flippedPayloadByte_corruptSnapshotErrorNamesWhere', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const m = await writeCheckpoint(cs, holders)
  const blob = m.holders.find((h) => h.stateId === 'agg/sum')!.blob
  const bytes = (await cs.store.get(blob))!
  await cs.store.put(blob, flipByte(bytes, bytes.length - 1))
  const error = await t.throwsAsync(cs.readState(1, 'agg'))
  t.true(isCorruptSnapshotError(error))
  t.true(error.message.includes(`checkpoint 1 of pipeline 'p', state 'agg/sum' of step 'agg' (${blob})`), error.message)
})

test('readState_truncatedBlob_corruptSnapshotErrorNamesExpectedAndFound', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const m = await writeCheckpoint(cs, holders)
  const blob = m.holders.find((h) => h.stateId === 'agg/sum')!
  await cs.store.put(blob.blob, (await cs.store.get(blob.blob))!.subarray(0, 10))
  const error = await t.throwsAsync(cs.readState(1, 'agg'))
  t.true(isCorruptSnapshotError(error))
  t.true(error.message.includes(`truncated: expected ${blob.storedBytes} bytes, found 10`), error.message)
})
