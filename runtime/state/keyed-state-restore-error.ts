import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A snapshot handed to an Oxi's per-key state cannot be its state: not a Map of key groups, or
 * a key in a key group it does not belong to (taken with another maxKeyGroups). The message
 * names the step, the state id and what is wrong.
 *
 * @example
 * new KeyedStateRestoreError('count', 'count/state.n', 'a number, not a Map of key groups')
 */
export class KeyedStateRestoreError extends OxiflowError {
  override readonly name = 'KeyedStateRestoreError'
  constructor(readonly step: string, readonly stateId: string, problem: string) {
    super('ERR_KEYED_STATE_RESTORE', `step '${step}': state '${stateId}' cannot be restored from this snapshot: ${problem}`)
  }
}

/**
 * True for a KeyedStateRestoreError.
 *
 * @example
 * try { await job.done } catch (e) { if (isKeyedStateRestoreError(e)) console.error(e.stateId) }
 */
export function isKeyedStateRestoreError(e: unknown): e is KeyedStateRestoreError {
  return e instanceof KeyedStateRestoreError
}
