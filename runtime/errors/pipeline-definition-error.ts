import { OxiflowError } from './oxiflow-error.ts'

/**
 * The pipeline's shape is invalid (bad or duplicate step name, no sink, a step after a sink,
 * a keyed step without keyBy). Thrown while building or planning, before anything runs.
 *
 * @example
 * pipeline('p').map('bad name', f) // throws PipelineDefinitionError
 */
export class PipelineDefinitionError extends OxiflowError {
  override readonly name = 'PipelineDefinitionError'
  constructor(message: string, readonly step?: string) {
    super('ERR_PIPELINE_DEFINITION', message)
  }
}

export function isPipelineDefinitionError(e: unknown): e is PipelineDefinitionError {
  return e instanceof PipelineDefinitionError
}
