import { OxiflowError } from '../oxiflow-error.ts'

/**
 * No committed checkpoint (no manifest) with this id exists for the pipeline in the store.
 * Names the store and lists the checkpoints that do exist.
 *
 * @example
 * new CheckpointNotFoundError('clicks', 9, 'file store at .oxiflow', [8, 7])
 */
export class CheckpointNotFoundError extends OxiflowError {
  override readonly name = 'CheckpointNotFoundError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, store: string, readonly available: readonly number[]) {
    super('ERR_CHECKPOINT_NOT_FOUND',
      `checkpoint ${checkpointId} of pipeline '${pipelineId}' does not exist in ${store}; ` +
      (available.length === 0
        ? `the pipeline has no committed checkpoints there: check the store and the pipeline id`
        : `committed checkpoints: ${available.join(', ')}: pick one of those (oxiflow checkpoints list ${pipelineId} shows them, as checkpoints(store, '${pipelineId}').list() does in code)`))
  }
}

/**
 * True when `e` is a CheckpointNotFoundError.
 *
 * @example
 * if (isCheckpointNotFoundError(e)) console.error(e.available)
 */
export function isCheckpointNotFoundError(e: unknown): e is CheckpointNotFoundError {
  return e instanceof CheckpointNotFoundError
}
