import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A checkpoint holds state that no step of the pipeline being restored has — a stateful step was
 * renamed or removed since the checkpoint was taken. Restoring would drop that state silently
 * (the step under its new name would start from nothing), so the restore is refused before any
 * record flows, unless the run opts in with `allowNonRestoredState: true`
 * (`--allow-non-restored-state`), as Flink's `--allowNonRestoredState`. Names each orphaned
 * state with its step, and the steps that have state now.
 *
 * @example
 * new NonRestoredStateError('clicks', 7, [{ stateId: 'count/n', step: 'count' }], ['counter', 'gen'])
 */
export class NonRestoredStateError extends OxiflowError {
  override readonly name = 'NonRestoredStateError'
  constructor(
    readonly pipelineId: string,
    readonly checkpointId: number,
    readonly orphans: readonly { readonly stateId: string; readonly step: string }[],
    readonly steps: readonly string[],
  ) {
    super('ERR_NON_RESTORED_STATE',
      `checkpoint ${checkpointId} of pipeline '${pipelineId}' holds state that no step of this pipeline has: ` +
      `${orphans.map((o) => `'${o.stateId}' (step '${o.step}')`).join(', ')}; ` +
      `steps with state now: ${steps.length === 0 ? '(none)' : steps.map((s) => `'${s}'`).join(', ')}. ` +
      'A stateful step was probably renamed or removed: give it back its name to restore its state, or run with ' +
      'allowNonRestoredState: true (CLI: --allow-non-restored-state) to drop that state and continue')
  }
}

/**
 * True when `e` is a NonRestoredStateError.
 *
 * @example
 * if (isNonRestoredStateError(e)) console.error(e.orphans)
 */
export function isNonRestoredStateError(e: unknown): e is NonRestoredStateError {
  return e instanceof NonRestoredStateError
}
