import { InvalidOptionError } from './errors/invalid-option-error.ts'
import { shown } from '../persistence/shown.ts'

export { shown }

// The one home of option checks for runtime/ and components/ (both may import runtime/; persistence/
// may not, and InvalidOptionError is the runtime's). Every message reads
// `<where>: options.<option> must be <rule> (got <value>)`, the value written by `shown`
// (persistence/shown.ts: persistence/ writes values with it too).

/**
 * The error for an option outside its rule: `<where>: <named> must be <rule> (got <value>)`.
 * `named` is how the message writes the option (default `options.<option>`; a positional
 * argument such as `n` is written bare).
 *
 * @example
 * throw invalidOption('run(options)', 'retain', 'an integer ≥ 1', 0)
 * // run(options): options.retain must be an integer ≥ 1 (got 0)
 */
export function invalidOption(where: string, option: string, rule: string, value: unknown, named = `options.${option}`): InvalidOptionError {
  return new InvalidOptionError(option, `${where}: ${named} must be ${rule} (got ${shown(value)})`)
}

/**
 * Refuses anything but an object of options.
 *
 * @example
 * checkObject('redisStream sink', options, "{ url: 'redis://127.0.0.1:6379', key: 'out' }")
 */
export function checkObject(where: string, options: unknown, example: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `${where}: options must be an object like ${example} (got ${shown(options)})`)
  }
}

/**
 * Refuses anything but a non-empty string without whitespace (that matches `pattern` when given).
 *
 * @example
 * checkName('jetstream source', 'stream', 'a.b', 'a stream name without dots', /^[^.]+$/) // throws
 */
export function checkName(where: string, option: string, value: unknown, rule = 'a non-empty string without spaces', pattern?: RegExp): void {
  if (typeof value !== 'string' || value === '' || /\s/.test(value) || (pattern !== undefined && !pattern.test(value))) {
    throw invalidOption(where, option, rule, value)
  }
}

/**
 * Refuses a value that is set and is not a positive (safe) integer.
 *
 * @example
 * checkPositiveInt('jetstream sink', 'retryForMs', -1) // throws: … must be a positive integer (got -1)
 */
export function checkPositiveInt(where: string, option: string, value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw invalidOption(where, option, 'a positive integer', value)
  }
}

/**
 * Refuses a value that is set and is not a boolean.
 *
 * @example
 * checkBoolean('jetstream source', 'stopAtEnd', 'yes') // throws: … must be true or false (got "yes")
 */
export function checkBoolean(where: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw invalidOption(where, option, 'true or false', value)
}

/**
 * Refuses a value that is set and is not a function.
 *
 * @example
 * checkFunction('redisStream source', 'decode', 1) // throws: … must be a function (got 1)
 */
export function checkFunction(where: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw invalidOption(where, option, 'a function', value)
}
