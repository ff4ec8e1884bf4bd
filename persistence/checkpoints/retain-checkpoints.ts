import { manifestKey } from './checkpoint-layout.ts'
import type { PipelineCheckpoints } from './pipeline-checkpoints.ts'
import { scanCheckpoints } from './scan-checkpoints.ts'

/**
 * What `retain` did: the committed checkpoints kept, those deleted, abandoned folders (never
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
 * Keeps the newest `keep` committed checkpoints and deletes every checkpoint folder older than
 * the oldest kept one, oldest first. Manifests go first, all of them, then blobs: a crash in between leaves
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
  const kept = folders.filter((f) => f.committed).slice(0, keep).map((f) => f.id)
  const report: RetainReport = { kept, deleted: [], abandoned: [], blobsDeleted: [], blobsKept: [], unknownReferences: false }
  if (kept.length === 0) return report
  const victims = folders.filter((f) => f.id < kept.at(-1)!).reverse() // oldest first
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
