import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A restore of 'latest' found committed checkpoints and none it could restore: each is damaged
 * (a missing, truncated or checksum-failing blob, a broken chain link, a corrupt manifest) or
 * superseded. Starting fresh instead would drop the state they hold without a word a script
 * sees, and read the input from its start again: a sink that cannot take back what it published
 * (Redis, JetStream) would publish it twice. Names the pipeline, the store and why each was
 * skipped, and says how to go on.
 *
 * @example
 * new NoRestorableCheckpointError('clicks', 'file store .oxiflow', [{ id: 9, reason: "agg (agg/sum): missing" }])
 */
export class NoRestorableCheckpointError extends OxiflowError {
  override readonly name = 'NoRestorableCheckpointError'
  constructor(readonly pipelineId: string, store: string, readonly skipped: ReadonlyArray<{ readonly id: number; readonly reason: string }>) {
    super('ERR_NO_RESTORABLE_CHECKPOINT', `pipeline '${pipelineId}': none of its ${skipped.length} checkpoint(s) in ${store} can be restored ` +
      `(${skipped.map((s) => `checkpoint ${s.id}: ${s.reason}`).join('; ')}) — repair or re-import the store (oxiflow checkpoints verify ` +
      `${pipelineId} names each problem; oxiflow state import), or run without --restore to start from the input's beginning with no state, ` +
      'knowing that sinks which cannot take back what they published publish it again')
  }
}

/**
 * True when `e` is a NoRestorableCheckpointError.
 *
 * @example
 * if (isNoRestorableCheckpointError(e)) console.error(e.skipped)
 */
export function isNoRestorableCheckpointError(e: unknown): e is NoRestorableCheckpointError {
  return e instanceof NoRestorableCheckpointError
}
