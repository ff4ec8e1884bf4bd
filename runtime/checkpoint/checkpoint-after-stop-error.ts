import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A checkpoint was asked for after the job's graceful stop began: the stop's checkpoint is the
 * job's last (sources end at its barrier; a later cut could skip what a stopped source never read).
 *
 * @example
 * // pipeline 'clicks' is stopping: its stop's checkpoint is its last; restore from it with restore: 'latest'
 */
export class CheckpointAfterStopError extends OxiflowError {
  override readonly name = 'CheckpointAfterStopError'
  constructor(readonly pipelineId: string) {
    super('ERR_CHECKPOINT_AFTER_STOP', `pipeline '${pipelineId}' is stopping: the checkpoint its stop takes is its last, no other is taken — ` +
      "await job.done, then restore from it (restore: 'latest', or --restore latest)")
  }
}

export function isCheckpointAfterStopError(e: unknown): e is CheckpointAfterStopError {
  return e instanceof CheckpointAfterStopError
}
