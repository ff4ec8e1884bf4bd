import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A checkpoint holds no state of the asked step. Lists the steps it has state of.
 *
 * @example
 * new StepNotInCheckpointError('clicks', 7, 'count', ['agg', 'src'])
 */
export class StepNotInCheckpointError extends OxiflowError {
  override readonly name = 'StepNotInCheckpointError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly step: string, readonly steps: readonly string[]) {
    super('ERR_STEP_NOT_IN_CHECKPOINT',
      `checkpoint ${checkpointId} of pipeline '${pipelineId}' has no state of step '${step}'; ` +
      `steps with state in it: ${steps.length === 0 ? '(none)' : steps.map((s) => `'${s}'`).join(', ')}; ` +
      `check the step name (stateless steps such as map and filter keep no state)`)
  }
}

/**
 * True when `e` is a StepNotInCheckpointError.
 *
 * @example
 * if (isStepNotInCheckpointError(e)) console.error(e.steps)
 */
export function isStepNotInCheckpointError(e: unknown): e is StepNotInCheckpointError {
  return e instanceof StepNotInCheckpointError
}
