import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A lease request with an unusable owner or TTL: `ttlMs` must be a positive finite number,
 * `owner.runner` and `owner.host` non-empty strings, `owner.pid` a positive integer.
 *
 * @example
 * new InvalidLeaseRequestError('pipelines/p/lease', 'ttlMs must be a positive number of milliseconds (got 0)').message
 * // "lease('pipelines/p/lease'): ttlMs must be a positive number of milliseconds (got 0)"
 */
export class InvalidLeaseRequestError extends OxiflowError {
  override readonly name = 'InvalidLeaseRequestError'
  constructor(readonly lease: string, readonly problem: string) {
    super('ERR_INVALID_LEASE_REQUEST', `lease('${lease}'): ${problem}`)
  }
}

/**
 * True when `e` is an InvalidLeaseRequestError.
 *
 * @example
 * if (isInvalidLeaseRequestError(e)) console.error(e.problem)
 */
export function isInvalidLeaseRequestError(e: unknown): e is InvalidLeaseRequestError {
  return e instanceof InvalidLeaseRequestError
}
