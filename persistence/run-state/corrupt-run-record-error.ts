import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A pipeline's run record (`pipelines/<id>/run`) holds something that is not a run record of
 * a format this version reads.
 *
 * @example
 * // run record of pipeline 'clicks' in file store /srv/.oxiflow is not a run record of format 1 — ...
 */
export class CorruptRunRecordError extends OxiflowError {
  override readonly name = 'CorruptRunRecordError'
  constructor(readonly pipelineId: string, readonly where: string) {
    super('ERR_CORRUPT_RUN_RECORD', `run record of pipeline '${pipelineId}' in ${where} is not a run record of format 1 — ` +
      'it was written by another version or by hand; running the pipeline again rewrites it, oxiflow state cleanup removes it')
  }
}

/**
 * True when `e` is a CorruptRunRecordError.
 *
 * @example
 * if (isCorruptRunRecordError(e)) console.error(e.pipelineId)
 */
export function isCorruptRunRecordError(e: unknown): e is CorruptRunRecordError {
  return e instanceof CorruptRunRecordError
}
