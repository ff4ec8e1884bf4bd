import test from 'ava'
import { DELETED_WHILE_CHECKED, type BlobProblem } from '../../../persistence/checkpoints/checkpoint-reports.ts'
import { CheckpointNotFoundError } from '../../../persistence/checkpoints/checkpoint-not-found-error.ts'
import type { Manifest } from '../../../persistence/checkpoints/manifest.ts'
import { PipelineCheckpoints } from '../../../persistence/checkpoints/pipeline-checkpoints.ts'
import { MemoryStore } from '../../../persistence/stores/memory-store.ts'
import type { CheckpointParticipant } from '../../../runtime/checkpoint/checkpoint-participant.ts'
import { chooseCheckpoint } from '../../../runtime/checkpoint/choose-restore.ts'
import { writeCheckpoint } from '../../persistence/checkpoint-fixture.ts'

// The race `checkpoints verify` met beside a running job's retention (found from outside), at a
// restore's choice: a checkpoint deleted (`checkpoints delete`) while the hosts read its blobs
// is skipped as deleted, or for one asked by id not found — never named damaged.

/** A host whose blob reads of checkpoint `victim` find it deleted: it deletes it, then reports its blobs missing. */
function deletingHost(cs: PipelineCheckpoints, victim: number): CheckpointParticipant {
  return {
    async readForRestore(m: Manifest): Promise<BlobProblem[]> {
      if (m.checkpointId !== victim) return []
      await cs.delete(victim)
      return m.holders.map((h) => ({ step: h.step, stateId: h.stateId, blob: h.blob, problem: 'missing' }))
    },
    async dropRestoreReads() {},
  } as Partial<CheckpointParticipant> as CheckpointParticipant
}

async function setup() {
  const cs = new PipelineCheckpoints(new MemoryStore(), 'p')
  for (let i = 0; i < 2; i++) await writeCheckpoint(cs, [{ stateId: 'agg/sum', state: new Map([['a', i]]) }])
  return cs
}

test('chooseCheckpoint_latestDeletedWhileTheHostsReadIt_skippedAsDeletedAndTheOlderChosen', async (t) => {
  const cs = await setup()
  const { manifest, skipped } = await chooseCheckpoint(cs, [deletingHost(cs, 2)], 'latest')
  t.is(manifest?.checkpointId, 1)
  t.deepEqual(skipped, [{ id: 2, reason: DELETED_WHILE_CHECKED }])
})

test('chooseCheckpoint_askedIdDeletedWhileTheHostsReadIt_checkpointNotFound', async (t) => {
  const cs = await setup()
  await t.throwsAsync(chooseCheckpoint(cs, [deletingHost(cs, 2)], 2), { instanceOf: CheckpointNotFoundError })
})
