import { OxiflowError } from '../runtime/errors/oxiflow-error.ts'

/**
 * The command line is wrong: unknown command or flag, a bad flag value, a missing module, a
 * module without a usable default export. The CLI exits with code 2 and prints the message, which
 * says what to change. `command` names the command whose help the user should read.
 *
 * @example
 * throw new UsageError('--workers must be a non-negative integer (got "x")', 'run')
 */
export class UsageError extends OxiflowError {
  override readonly name = 'UsageError'
  constructor(message: string, readonly command?: string) {
    super('ERR_USAGE', message)
  }
}

/** True for a UsageError (the CLI exits with code 2). */
export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError
}
