import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A checkpoint was asked for after the job read all its input: the checkpoint taken once every
 * step ended is the job's last (it holds the final state; its hosts close right after it).
 *
 * @example
 * // pipeline 'clicks' has read all its input: its final checkpoint is its last; restore from it with restore: 'latest'
 */
export class CheckpointAfterEndError extends OxiflowError {
  override readonly name = 'CheckpointAfterEndError'
  constructor(readonly pipelineId: string) {
    super('ERR_CHECKPOINT_AFTER_END', `pipeline '${pipelineId}' has read all its input: the checkpoint it takes at its end is its last, ` +
      "no other is taken — await job.done (its summary's checkpoints.last), then restore from it (restore: 'latest', or --restore latest)")
  }
}

export function isCheckpointAfterEndError(e: unknown): e is CheckpointAfterEndError {
  return e instanceof CheckpointAfterEndError
}
