import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A store URL with a parameter outside its rule (a Redis `prefix` or `chunkSize`, a PostgreSQL
 * `schema`). `url` has its credentials masked; the message names the parameter and the rule.
 *
 * @example
 * new InvalidStoreUrlError('postgres://db/x?schema=A-B', 'schema', "must match [a-z_][a-z0-9_]* (at most 63 characters) (got "A-B")").message
 * // "store URL 'postgres://db/x?schema=A-B': schema must match [a-z_][a-z0-9_]* (at most 63 characters) (got "A-B")"
 */
export class InvalidStoreUrlError extends OxiflowError {
  override readonly name = 'InvalidStoreUrlError'
  constructor(readonly url: string, readonly parameter: string, readonly rule: string) {
    super('ERR_INVALID_STORE_URL', `store URL '${url}': ${parameter} ${rule}`)
  }
}

/**
 * True when `e` is an InvalidStoreUrlError.
 *
 * @example
 * if (isInvalidStoreUrlError(e)) console.error(e.parameter)
 */
export function isInvalidStoreUrlError(e: unknown): e is InvalidStoreUrlError {
  return e instanceof InvalidStoreUrlError
}
