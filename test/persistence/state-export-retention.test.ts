import test from 'ava'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { checkBundleCheckpoints } from '../../persistence/run-state/check-bundle-checkpoints.ts'
import { exportPipelineState } from '../../persistence/run-state/state-bundle.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'
import { DeletingStore } from './fixtures/deleting-store.ts'

// The race `checkpoints verify` met beside a running job's retention (found from outside), in
// `state export`: it read a folder's keys in name order, so a manifest read before retention
// deleted its checkpoint went into the file without the blobs named after it ('src~…' after
// 'manifest.json'), and `state import` refused the file. Retention deletes a manifest before its
// blobs, so reading every blob before any manifest leaves a manifest only with its blobs.

const holders = [
  { stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]) },
  { stateId: 'src/offsets', state: { offset: 42 } },
]

test('exportPipelineState_checkpointRetainedAwayAtEachOfItsReads_theFileStillImports', async (t) => {
  const probe = new PipelineCheckpoints(new DeletingStore(), 'p')
  for (let i = 0; i < 3; i++) await writeCheckpoint(probe, holders)
  const keysOf1 = (await probe.store.list('pipelines/p/checkpoints/0000000001/'))
  t.is(keysOf1.length, 3, 'a manifest and two blobs, one named before manifest.json and one after')
  for (const key of keysOf1) {
    for (const when of ['before', 'after'] as const) {
      const store = new DeletingStore()
      const cs = new PipelineCheckpoints(store, 'p')
      for (let i = 0; i < 3; i++) await writeCheckpoint(cs, holders)
      store.at = (k) => k === key
      store.when = when
      store.deleting = () => cs.retain(2)
      const bundle = await exportPipelineState(store, 'p')
      t.deepEqual(await cs.committedIds(), [3, 2], `${key} ${when}: retention ran`)
      await t.notThrowsAsync(checkBundleCheckpoints(bundle, 'p.json'), `${key} ${when}`)
      t.true(bundle.checkpoints.some((c) => c.key === '0000000003/manifest.json') && bundle.checkpoints.some((c) => c.key === '0000000002/manifest.json'), `${key} ${when}`)
    }
  }
})
