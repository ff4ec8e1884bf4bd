import { OxiflowError } from './oxiflow-error.ts'

/**
 * An option has a value outside its rule. The message names the option and the rule.
 *
 * @example
 * sources.generator({ seed: 1, count: -1 }) // throws: options.count must be a non-negative integer
 */
export class InvalidOptionError extends OxiflowError {
  override readonly name = 'InvalidOptionError'
  constructor(readonly option: string, message: string) {
    super('ERR_INVALID_OPTION', message)
  }
}

export function isInvalidOptionError(e: unknown): e is InvalidOptionError {
  return e instanceof InvalidOptionError
}
