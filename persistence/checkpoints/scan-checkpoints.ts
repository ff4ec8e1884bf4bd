import type { StateStore } from '../stores/state-store.ts'
import { checkpointIdOfKey, checkpointsPrefix, manifestKey, supersededKey } from './checkpoint-layout.ts'

/**
 * What the store holds of one checkpoint folder: every key under it, whether its manifest is
 * there (committed) and whether a later run went back past it (superseded).
 *
 * @example
 * const folder: CheckpointFolder = { id: 7, committed: true, superseded: false, keys: ['pipelines/p/checkpoints/0000000007/manifest.json'] }
 */
export interface CheckpointFolder {
  readonly id: number
  readonly committed: boolean
  readonly superseded: boolean
  readonly keys: readonly string[]
}

/**
 * Every checkpoint folder of a pipeline, newest first, from one `list` of the store.
 *
 * @example
 * (await scanCheckpoints(store, 'clicks')).filter((f) => f.committed).map((f) => f.id) // [8, 7]
 */
export async function scanCheckpoints(store: Pick<StateStore, 'list'>, pipelineId: string): Promise<CheckpointFolder[]> {
  const folders = new Map<number, { id: number; committed: boolean; superseded: boolean; keys: string[] }>()
  for (const key of await store.list(checkpointsPrefix(pipelineId))) {
    const id = checkpointIdOfKey(pipelineId, key)
    if (id === undefined) continue
    let folder = folders.get(id)
    if (!folder) folders.set(id, folder = { id, committed: false, superseded: false, keys: [] })
    folder.keys.push(key)
    if (key === manifestKey(pipelineId, id)) folder.committed = true
    else if (key === supersededKey(pipelineId, id)) folder.superseded = true
  }
  return [...folders.values()].sort((a, b) => b.id - a.id)
}
