import type { StateStore } from '../stores/state-store.ts'
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
 * kept checkpoint, so these stayed for good before.
 *
 * @example
 * for (const o of await removeOrphanCheckpoints(store)) console.log(o.pipelineId, o.checkpointId, o.reason)
 */
export async function removeOrphanCheckpoints(store: Pick<StateStore, 'list' | 'delete' | 'leases'>): Promise<OrphanCheckpoint[]> {
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
    for (const folder of folders) {
      if (folder.committed) continue
      let reason: string
      if (folder !== newest) reason = `no manifest, and checkpoint ${newest!.id} came after it`
      else if (!held.has(`pipelines/${pipelineId}/lease`)) reason = 'no manifest, and no runner holds the pipeline (none can be writing it)'
      else continue // the newest folder of a running pipeline: a checkpoint in progress
      for (const key of folder.keys) await store.delete(key)
      removed.push({ pipelineId, checkpointId: folder.id, keys: folder.keys.length, reason })
    }
  }
  return removed.sort((a, b) => (a.pipelineId < b.pipelineId ? -1 : a.pipelineId > b.pipelineId ? 1 : a.checkpointId - b.checkpointId))
}
