import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A blob (the encoded snapshot of one holder) that a committed manifest references is not in
 * the store. Names the checkpoint, step, state id and key.
 *
 * @example
 * new MissingBlobError('clicks', 7, 'agg', 'agg/sum', 'pipelines/clicks/checkpoints/0000000007/agg~sum.blob')
 */
export class MissingBlobError extends OxiflowError {
  override readonly name = 'MissingBlobError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly step: string, readonly stateId: string, readonly key: string) {
    super('ERR_MISSING_BLOB',
      `checkpoint ${checkpointId} of pipeline '${pipelineId}': the snapshot of state '${stateId}' (step '${step}') is ` +
      `missing from the store (${key}); restore an older checkpoint (restore: 'latest' skips this one)`)
  }
}

/**
 * True when `e` is a MissingBlobError.
 *
 * @example
 * if (isMissingBlobError(e)) console.error(e.key)
 */
export function isMissingBlobError(e: unknown): e is MissingBlobError {
  return e instanceof MissingBlobError
}
