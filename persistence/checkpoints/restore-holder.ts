import { StateRestoreError } from './state-restore-error.ts'
import { isOxiflowError } from '../oxiflow-error.ts'
import type { StateHolder } from '../state-holder.ts'

/**
 * Calls `holder.restore(state, fromVersion)`: a throw becomes a StateRestoreError naming the
 * step, the state id and where the state came from (`from`), with the holder's error as cause;
 * an oxiflow error (a component refusing state it cannot take) passes through as it is.
 *
 * @example
 * restoreHolder(h, 'count', state, '1.0.0', "checkpoint 7 of pipeline 'clicks'")
 */
export function restoreHolder(holder: StateHolder, step: string, state: unknown, fromVersion: string, from: string): void {
  try {
    holder.restore(state, fromVersion)
  } catch (e) {
    // A component's own typed refusal (IncompatibleStateError, StateVersionError…) already says what and where.
    if (isOxiflowError(e)) throw e
    throw new StateRestoreError(step, holder.stateId, from, e)
  }
}
