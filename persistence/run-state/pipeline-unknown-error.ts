import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A store holds nothing about a pipeline: no run record, no checkpoint, no lease.
 *
 * @example
 * // pipeline 'clikcs' is unknown to file store /srv/.oxiflow: no run record, checkpoint or lease — ...
 */
export class PipelineUnknownError extends OxiflowError {
  override readonly name = 'PipelineUnknownError'
  constructor(readonly pipelineId: string, readonly where: string) {
    super('ERR_PIPELINE_UNKNOWN', `pipeline '${pipelineId}' is unknown to ${where}: no run record, checkpoint or lease — ` +
      'check the id (oxiflow state list shows the pipelines) and --store (the store the job ran with)')
  }
}

/**
 * True when `e` is a PipelineUnknownError.
 *
 * @example
 * if (isPipelineUnknownError(e)) console.error(e.pipelineId)
 */
export function isPipelineUnknownError(e: unknown): e is PipelineUnknownError {
  return e instanceof PipelineUnknownError
}
