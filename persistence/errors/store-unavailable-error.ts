import { OxiflowError } from './oxiflow-error.ts'

/**
 * A store this version cannot open: a `redis://` or `postgres://` URL (the shared stores arrive
 * in a later release), another scheme, or an empty path. `url` has its credentials masked.
 *
 * @example
 * new StoreUnavailableError('redis://***@db:6379', 'redis:// stores arrive with the shared-stores release; use a path for the file store')
 */
export class StoreUnavailableError extends OxiflowError {
  override readonly name = 'StoreUnavailableError'
  constructor(readonly url: string, readonly reason: string) {
    super('ERR_STORE_UNAVAILABLE', `cannot open store '${url}': ${reason}`)
  }
}

/**
 * True when `e` is a StoreUnavailableError.
 *
 * @example
 * if (isStoreUnavailableError(e)) console.error(e.url)
 */
export function isStoreUnavailableError(e: unknown): e is StoreUnavailableError {
  return e instanceof StoreUnavailableError
}
