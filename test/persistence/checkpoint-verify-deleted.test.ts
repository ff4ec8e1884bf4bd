import test from 'ava'
import { DELETED_WHILE_CHECKED } from '../../persistence/checkpoints/checkpoint-reports.ts'
import { manifestKey } from '../../persistence/checkpoints/checkpoint-layout.ts'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { checkpoints } from '../../persistence/checkpoints-api.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'
import { DeletingStore } from './fixtures/deleting-store.ts'

// Found from outside: `checkpoints verify` beside a running job whose retention deleted
// checkpoints gave false failures — one listed, then deleted before verify read it, was a
// CheckpointNotFoundError (exit 2, "checkpoint 11 … does not exist" though no id was named);
// one deleted while its blobs were read was CORRUPT ("missing"). Each moment is hit here on
// every run: the store deletes the checkpoint at the get named.

const holders = [
  { stateId: 'src/offsets', state: { offset: 42 } },
  { stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]), dependsOn: ['src/offsets'] },
]

async function setup(count = 3) {
  const store = new DeletingStore()
  const cs = new CheckpointStore(store, 'p')
  for (let i = 0; i < count; i++) await writeCheckpoint(cs, holders)
  const blobOf = (id: number) => (key: string): boolean => key.includes(`/${String(id).padStart(10, '0')}/`) && key.endsWith('.blob')
  return { store, cs, blobOf }
}

test('verifyAll_checkpointsRetainedAwayAfterTheListing_reportedDeletedNotNotFound', async (t) => {
  const { store, cs } = await setup()
  // The listing reads manifests newest first: once it has read checkpoint 1's, retention keeps only 3.
  store.at = (key) => key === manifestKey('p', 1)
  store.when = 'after'
  store.deleting = () => cs.retain(1)
  t.deepEqual(await checkpoints(store, 'p').verify(), [
    { checkpointId: 3, ok: true, problems: [] },
    { checkpointId: 2, ok: true, problems: [], deleted: true },
    { checkpointId: 1, ok: true, problems: [], deleted: true },
  ])
})

test('verify_checkpointRetainedAwayWhileItsBlobsAreRead_reportedDeletedNotCorrupt', async (t) => {
  const { store, cs, blobOf } = await setup()
  store.at = blobOf(1)
  store.deleting = () => cs.retain(1)
  t.deepEqual(await cs.verify(1), { checkpointId: 1, ok: true, problems: [], deleted: true })
})

test('verify_deletedWhileItsBlobsAreReadAndTheListingLags_reportedDeleted', async (t) => {
  // Whether it is gone is asked of the manifest itself, not of a listing taken before.
  const { store, cs, blobOf } = await setup()
  store.staleList = true
  t.true((await store.list('pipelines/p/')).includes(manifestKey('p', 1)))
  store.at = blobOf(1)
  store.deleting = () => cs.delete(1)
  t.deepEqual(await cs.verify(1), { checkpointId: 1, ok: true, problems: [], deleted: true })
  t.true((await store.list('pipelines/p/')).includes(manifestKey('p', 1)), 'the listing still shows it')
})

test('verify_blobMissingWhileTheManifestStaysCommitted_corrupt', async (t) => {
  const { store, cs, blobOf } = await setup()
  const deleted: string[] = []
  store.at = blobOf(1)
  store.deleting = (key) => store.delete(key).then(() => deleted.push(key))
  const report = await cs.verify(1)
  t.false(report.ok)
  t.is(report.deleted, undefined)
  t.deepEqual(report.problems.map((p) => [p.blob, p.problem]), [[deleted[0], 'missing']])
})

test('latestValid_newestDeletedWhileItsBlobsAreChecked_skippedAsDeletedNotDamaged', async (t) => {
  const { store, cs, blobOf } = await setup(2)
  store.at = blobOf(2)
  store.deleting = () => cs.delete(2)
  const { checkpoint, skipped } = await cs.latestValid()
  t.is(checkpoint?.checkpointId, 1)
  t.deepEqual(skipped, [{ id: 2, reason: DELETED_WHILE_CHECKED }])
})
