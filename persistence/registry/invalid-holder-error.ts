import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A step handed the runtime something that is not a usable state holder — `holders()` of an Oxi,
 * a source reader or a sink writer returned a non-holder, or a holder whose state id, version or
 * methods a checkpoint or a restore could not use (a stateVersion that is not semver was written
 * into every checkpoint and refused only when one was restored). Thrown when the job registers
 * its holders, before any record flows; names the step, which holder and what is wrong.
 *
 * @example
 * new InvalidHolderError('p', "its Oxi's holders() returned, at index 0, a holder 'p/h' whose stateVersion \"one\" is not semver …")
 */
export class InvalidHolderError extends OxiflowError {
  override readonly name = 'InvalidHolderError'
  constructor(readonly step: string, readonly problem: string) {
    super('ERR_INVALID_HOLDER', `step '${step}': ${problem}; a state holder is { stateId: '${step}/<part>', ` +
      "stateVersion: '1.0.0', snapshot(), restore(state, fromVersion) } (see StateHolder) — fix what holders() returns")
  }
}

/**
 * True when `e` is an InvalidHolderError.
 *
 * @example
 * try { await job.done } catch (e) { if (isInvalidHolderError(e)) console.error(e.step, e.problem) }
 */
export function isInvalidHolderError(e: unknown): e is InvalidHolderError {
  return e instanceof InvalidHolderError
}
