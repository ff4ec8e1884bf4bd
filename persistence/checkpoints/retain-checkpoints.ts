import { manifestKey } from './checkpoint-layout.ts'
import type { PipelineCheckpoints } from './pipeline-checkpoints.ts'
import { scanCheckpoints } from './scan-checkpoints.ts'

/**
 * What `retain` did: the committed checkpoints kept (newest first), those deleted, abandoned folders (never
 * committed) cleaned up, and the keys of deleted folders it deleted or kept because a retained
 * manifest references them. `unknownReferences` is set when a retained manifest could not be
 * read: then no blob was deleted (a later retain finishes the job).
 *
 * @example
 * const r = await cs.retain(3); console.log(r.kept, r.deleted)
 */
export interface RetainReport {
  readonly kept: number[]
  readonly deleted: number[]
  readonly abandoned: number[]
  readonly blobsDeleted: string[]
  readonly blobsKept: string[]
  readonly unknownReferences: boolean
}

/**
 * Keeps the newest `keep` committed checkpoints that are not superseded and deletes every
 * checkpoint folder older than the oldest kept one, oldest first. A superseded checkpoint (off
 * the line of a later run: PipelineCheckpoints.realign) is no fallback, so it does not count:
 * counted, a run that restored 6 past damaged 7 and 8 kept 9, 8 and 7 at its first checkpoint
 * and deleted 6, its only sound fallback. Superseded ones stay while they are among the newest
 * `keep` committed checkpoints, as they did before (restorable by id: a run started fresh by
 * mistake still finds its predecessor's last checkpoints), and while newer than the oldest kept.
 * Manifests go first, all of them, then blobs: a crash in between leaves
 * only folders without a manifest, which are not checkpoints and which the next retain removes.
 * A blob a retained manifest references is never deleted. Folders newer than the oldest kept
 * one are never touched, so neither is a checkpoint in progress (newer than the newest
 * committed one); with no committed checkpoint nothing is deleted.
 *
 * @example
 * await retainCheckpoints(new PipelineCheckpoints(store, 'clicks'), 3)
 */
export async function retainCheckpoints(cs: PipelineCheckpoints, keep: number): Promise<RetainReport> {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`retain: keep must be an integer ≥ 1, got ${keep}`)
  const folders = await scanCheckpoints(cs.store, cs.pipelineId)
  const committed = folders.filter((f) => f.committed)
  const oldest = committed.filter((f) => !f.superseded).slice(0, keep).at(-1)?.id
  const recent = new Set(committed.slice(0, keep).map((f) => f.id))
  const victims = oldest === undefined ? [] : folders.filter((f) => f.id < oldest && !recent.has(f.id)).reverse() // oldest first
  const kept = committed.filter((f) => !victims.includes(f)).map((f) => f.id)
  const report: RetainReport = { kept, deleted: [], abandoned: [], blobsDeleted: [], blobsKept: [], unknownReferences: false }
  if (victims.length === 0) return report
  // Read the references before deleting anything: the retained manifests decide what stays.
  const referenced = await cs.referencedBlobs(kept)
  for (const victim of victims) {
    if (!victim.committed) {
      report.abandoned.push(victim.id)
      continue
    }
    await cs.store.delete(manifestKey(cs.pipelineId, victim.id))
    report.deleted.push(victim.id)
  }
  for (const victim of victims) {
    for (const key of victim.keys) {
      if (key === manifestKey(cs.pipelineId, victim.id)) continue
      if (referenced === undefined || referenced.has(key)) report.blobsKept.push(key)
      else {
        await cs.store.delete(key)
        report.blobsDeleted.push(key)
      }
    }
  }
  return { ...report, unknownReferences: referenced === undefined }
}
