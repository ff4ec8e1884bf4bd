import type { StateStore } from '../stores/state-store.ts'
import { PipelineCheckpoints } from './pipeline-checkpoints.ts'
import { scanCheckpoints } from './scan-checkpoints.ts'

/**
 * A checkpoint folder without a committed manifest that `removeOrphanCheckpoints` deleted.
 *
 * @example
 * const o: OrphanCheckpoint = { pipelineId: 'clicks', checkpointId: 8, keys: 3, reason: 'no manifest, and checkpoint 9 came after it' }
 */
export interface OrphanCheckpoint {
  readonly pipelineId: string
  readonly checkpointId: number
  readonly keys: number
  readonly reason: string
}

/**
 * Deletes the checkpoint folders that never got a manifest — blobs of a checkpoint that failed
 * (a full disk, a store outage, a runner killed before its commit) — that no runner can still be
 * writing: checkpoints are taken one at a time with increasing ids, so a folder with a newer one
 * beside it is dead; the newest folder is in use only while a runner holds the pipeline's lease.
 * The leases are read after the scan: a runner writing a folder the scan saw holds its lease
 * then, and a runner that starts later numbers its checkpoint above every key it finds, so it
 * never writes into a folder being deleted. Retain removes only folders older than the oldest
 * kept checkpoint, so these stayed for good before. A folder whose manifest retention deleted
 * may still hold blobs that a committed checkpoint's incremental chain references: those keys
 * stay (all of the pipeline's stay while one of its manifests is unreadable), the rest go.
 *
 * @example
 * for (const o of await removeOrphanCheckpoints(store)) console.log(o.pipelineId, o.checkpointId, o.reason)
 */
export async function removeOrphanCheckpoints(store: Pick<StateStore, 'list' | 'get' | 'delete' | 'leases' | 'put' | 'describe'>): Promise<OrphanCheckpoint[]> {
  const pipelines = new Set<string>()
  for (const key of await store.list('pipelines/')) {
    const m = /^pipelines\/([^/]+)\/checkpoints\//.exec(key)
    if (m) pipelines.add(m[1]!)
  }
  const scans = new Map<string, Awaited<ReturnType<typeof scanCheckpoints>>>()
  for (const id of pipelines) scans.set(id, await scanCheckpoints(store, id))
  const held = new Set((await store.leases()).map((l) => l.name))
  const removed: OrphanCheckpoint[] = []
  for (const [pipelineId, folders] of scans) {
    const newest = folders[0]
    const committed = folders.filter((f) => f.committed).map((f) => f.id)
    const referenced = await new PipelineCheckpoints(store, pipelineId).referencedBlobs(committed)
    for (const folder of folders) {
      if (folder.committed) continue
      let reason: string
      if (folder !== newest) reason = `no manifest, and checkpoint ${newest!.id} came after it`
      else if (!held.has(`pipelines/${pipelineId}/lease`)) reason = 'no manifest, and no runner holds the pipeline (none can be writing it)'
      else continue // the newest folder of a running pipeline: a checkpoint in progress
      const dead = folder.keys.filter((key) => referenced !== undefined && !referenced.has(key))
      if (dead.length === 0) continue
      for (const key of dead) await store.delete(key)
      removed.push({ pipelineId, checkpointId: folder.id, keys: dead.length, reason })
    }
  }
  return removed.sort((a, b) => (a.pipelineId < b.pipelineId ? -1 : a.pipelineId > b.pipelineId ? 1 : a.checkpointId - b.checkpointId))
}
