import { OxiflowError } from './oxiflow-error.ts'

/**
 * A store URL this version cannot open.
 *
 * @example
 * new StoreUnavailableError('redis://127.0.0.1:6379', 'the Redis store is not in this version')
 */
export class StoreUnavailableError extends OxiflowError {
  override readonly name = 'StoreUnavailableError'
  constructor(readonly url: string, reason: string) {
    super('ERR_STORE_UNAVAILABLE', `cannot open store ${url}: ${reason}`)
  }
}

export function isStoreUnavailableError(e: unknown): e is StoreUnavailableError {
  return e instanceof StoreUnavailableError
}
