import type { BlobProblem } from './checkpoint-reports.ts'
import { OxiflowError } from '../oxiflow-error.ts'

/**
 * The checkpoint a run was asked to restore does not verify: one or more of its holders' blobs
 * are missing, truncated, fail their checksum or do not decode. Names the pipeline, the
 * checkpoint and each blob's step, state id and problem, and says how to go on. (A checkpoint
 * whose manifest itself is corrupt fails earlier, with CorruptManifestError.)
 *
 * @example
 * new CorruptCheckpointError('clicks', 7, [{ step: 'agg', stateId: 'agg/sum', blob: 'pipelines/clicks/checkpoints/0000000007/agg~sum.blob', problem: 'missing' }])
 */
export class CorruptCheckpointError extends OxiflowError {
  override readonly name = 'CorruptCheckpointError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly problems: readonly BlobProblem[]) {
    super('ERR_CHECKPOINT_CORRUPT', `pipeline '${pipelineId}': checkpoint ${checkpointId} does not verify: ` +
      `${problems.map((p) => `${p.step} (${p.stateId}${p.keyGroups === undefined ? '' : `, key groups ${p.keyGroups.start}-${p.keyGroups.end}`})${p.link === undefined ? '' : `, its chain's blob of checkpoint ${p.link}`}: ${p.problem}`).join('; ')} — restore another one (oxiflow checkpoints list) or 'latest'`)
  }
}

/**
 * True when `e` is a CorruptCheckpointError.
 *
 * @example
 * if (isCorruptCheckpointError(e)) console.error(e.checkpointId, e.problems)
 */
export function isCorruptCheckpointError(e: unknown): e is CorruptCheckpointError {
  return e instanceof CorruptCheckpointError
}
