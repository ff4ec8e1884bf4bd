import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A state holder's `restore(state, fromVersion)` threw on the state a checkpoint (or a job
 * snapshot) gave it. Names the step, the state id, where the state came from and the holder's
 * error (also the `cause`). Nothing ran: the restore happens before any record flows.
 *
 * @example
 * new StateRestoreError('count', 'count/totals', 'checkpoint 7 of pipeline \'clicks\'', new TypeError('x is not iterable'))
 */
export class StateRestoreError extends OxiflowError {
  override readonly name = 'StateRestoreError'
  constructor(readonly step: string, readonly stateId: string, readonly from: string, cause: unknown) {
    super('ERR_STATE_RESTORE', `step '${step}': restore() of state '${stateId}' from ${from} threw: ` +
      `${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)} — the holder cannot read the state it snapshotted: ` +
      "fix its restore() (a changed snapshot shape needs a new stateVersion and a migration from the old one), or restore an older " +
      'checkpoint, or start without --restore', { cause })
  }
}

/**
 * True when `e` is a StateRestoreError.
 *
 * @example
 * if (isStateRestoreError(e)) console.error(e.step, e.stateId)
 */
export function isStateRestoreError(e: unknown): e is StateRestoreError {
  return e instanceof StateRestoreError
}
