import type { StateStore } from '../stores/state-store.ts'

/**
 * Where checkpoints go: the part of a StateStore (the key/value store) that the checkpoint layer
 * uses — in a worker, the job's store reached over a port. PipelineCheckpoints lays one
 * pipeline's checkpoints out in it.
 *
 * @example
 * const storage: CheckpointStorage = stores.memory()
 */
export type CheckpointStorage = Pick<StateStore, 'put' | 'get' | 'list' | 'delete' | 'describe'>
