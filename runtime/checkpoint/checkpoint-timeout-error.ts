import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A checkpoint did not complete within its timeout (a barrier could not align, e.g. behind a
 * sink that is too slow). It is abandoned — never half-kept — and counted; the job goes on.
 *
 * @example
 * job.checkpoint().catch((e) => { if (isCheckpointTimeoutError(e)) console.warn(e.message) })
 */
export class CheckpointTimeoutError extends OxiflowError {
  override readonly name = 'CheckpointTimeoutError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly timeoutMs: number) {
    super('ERR_CHECKPOINT_TIMEOUT', `pipeline '${pipelineId}': checkpoint ${checkpointId} did not complete within ${timeoutMs} ms and was abandoned; ` +
      'a step downstream is too slow for its barrier to align — raise checkpointTimeout, or speed up or parallelise the slow step')
  }
}

export function isCheckpointTimeoutError(e: unknown): e is CheckpointTimeoutError {
  return e instanceof CheckpointTimeoutError
}
