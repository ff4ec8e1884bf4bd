import { OxiflowError } from '../../errors/oxiflow-error.ts'

/**
 * A snapshot cannot be restored into a state holder: its version has another major, or a newer
 * minor, than the holder's, or it was taken from a differently configured step. Names the state
 * id, what was found and what was expected.
 *
 * @example
 * new IncompatibleStateError('stats/w', '2.0.0', '1.1.0')
 */
export class IncompatibleStateError extends OxiflowError {
  override readonly name = 'IncompatibleStateError'
  constructor(readonly stateId: string, readonly found: string, readonly expected: string, hint?: string) {
    super('ERR_INCOMPATIBLE_STATE', `state '${stateId}': found ${found}, expected ${expected}` +
      (hint ?? `; restore with the version of the pipeline that wrote it, or start this step fresh`))
  }
}

/**
 * True for an IncompatibleStateError.
 *
 * @example
 * if (isIncompatibleStateError(e)) console.error(e.stateId, e.found, e.expected)
 */
export function isIncompatibleStateError(e: unknown): e is IncompatibleStateError {
  return e instanceof IncompatibleStateError
}
