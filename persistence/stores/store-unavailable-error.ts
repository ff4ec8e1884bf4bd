import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A store that cannot be opened (an unknown scheme, an empty path) or that failed an operation
 * (`operation` given: its server is down or unreachable, a timeout). `url` has its credentials
 * masked.
 *
 * @example
 * new StoreUnavailableError('ftp://***@host', 'ftp:// is not a store oxiflow knows; use a path for the file store')
 * new StoreUnavailableError('redis://***@db:6379/0', 'connect ECONNREFUSED 10.0.0.5:6379 — check that the server runs and is reachable', { operation: "put('pipelines/p/…')" }).message
 * // "store 'redis://***@db:6379/0' failed put('pipelines/p/…'): connect ECONNREFUSED 10.0.0.5:6379 — check that the server runs and is reachable"
 */
export class StoreUnavailableError extends OxiflowError {
  override readonly name = 'StoreUnavailableError'
  readonly operation: string | undefined
  constructor(readonly url: string, readonly reason: string, options?: { readonly operation?: string; readonly cause?: unknown }) {
    super('ERR_STORE_UNAVAILABLE', options?.operation === undefined ? `cannot open store '${url}': ${reason}`
      : `store '${url}' failed ${options.operation}: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause })
    this.operation = options?.operation
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
