import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A keyBy function threw. Like an invalid key (InvalidKeyError), it is a bug in the keyBy
 * function rather than in one record — on several instances the router meets it before any
 * step's `onError` could — so the step fails with a StepError whose cause is this error, whatever
 * its policy, inline and on workers alike. The message is the thrown error's; `cause` is the error.
 *
 * @example
 * // .keyBy((r) => r.user.id) on a record without `user`: filter such records out before keyBy
 * new KeyFunctionError(new TypeError("Cannot read properties of undefined (reading 'id')"))
 */
export class KeyFunctionError extends OxiflowError {
  override readonly name = 'KeyFunctionError'
  constructor(cause: unknown) {
    super('ERR_KEY_FUNCTION', cause instanceof Error ? cause.message : String(cause), { cause })
  }
}

/**
 * True for a KeyFunctionError.
 *
 * @example
 * if (isStepError(e) && isKeyFunctionError(e.cause)) console.error(e.step, e.cause.cause)
 */
export function isKeyFunctionError(e: unknown): e is KeyFunctionError {
  return e instanceof KeyFunctionError
}
