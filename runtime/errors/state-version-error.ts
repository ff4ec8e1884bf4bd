import { OxiflowError } from './oxiflow-error.ts'

/**
 * A snapshot cannot be restored into a state holder: its version has another major, or a newer
 * minor, than the holder's, or it was taken from a differently configured step. Names the state
 * id, what was found and what was expected.
 *
 * @example
 * new StateVersionError('stats/w', '2.0.0', '1.1.0')
 */
export class StateVersionError extends OxiflowError {
  override readonly name = 'StateVersionError'
  constructor(readonly stateId: string, readonly found: string, readonly expected: string, hint?: string) {
    super('ERR_STATE_VERSION', `state '${stateId}': found ${found}, expected ${expected}` +
      (hint ?? `; restore with the version of the pipeline that wrote it, or start this step fresh`))
  }
}

/**
 * True for a StateVersionError.
 *
 * @example
 * if (isStateVersionError(e)) console.error(e.stateId, e.found, e.expected)
 */
export function isStateVersionError(e: unknown): e is StateVersionError {
  return e instanceof StateVersionError
}
