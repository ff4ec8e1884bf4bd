import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A checkpoint's manifest cannot be trusted: it is not JSON, lacks fields, names another
 * pipeline or checkpoint, or its checksum does not match its content. Names the checkpoint,
 * the key and the problem, and says how to go on.
 *
 * @example
 * new CorruptManifestError('clicks', 7, 'pipelines/clicks/checkpoints/0000000007/manifest.json', 'checksum mismatch: expected 1, found 2')
 */
export class CorruptManifestError extends OxiflowError {
  override readonly name = 'CorruptManifestError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly key: string, readonly problem: string, options?: { cause?: unknown }) {
    super('ERR_CORRUPT_MANIFEST',
      `checkpoint ${checkpointId} of pipeline '${pipelineId}' has a corrupt manifest (${key}): ${problem}; ` +
      `it cannot be restored: restore an older checkpoint (restore: 'latest' skips this one) or delete it with ` +
      `oxiflow checkpoints delete ${pipelineId} ${checkpointId} (checkpoints(store, '${pipelineId}').delete(${checkpointId}) in code)`, options)
  }
}

/**
 * True when `e` is a CorruptManifestError.
 *
 * @example
 * if (isCorruptManifestError(e)) console.error(e.checkpointId, e.problem)
 */
export function isCorruptManifestError(e: unknown): e is CorruptManifestError {
  return e instanceof CorruptManifestError
}
