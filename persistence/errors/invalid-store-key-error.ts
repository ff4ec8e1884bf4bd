import { OxiflowError } from './oxiflow-error.ts'

/**
 * A store key that is not a '/'-separated path of [A-Za-z0-9._~-] segments (or has '..').
 *
 * @example
 * new InvalidStoreKeyError('a//b')
 */
export class InvalidStoreKeyError extends OxiflowError {
  override readonly name = 'InvalidStoreKeyError'
  constructor(readonly key: string) {
    super('ERR_INVALID_STORE_KEY', `store key '${key}' is invalid: use '/'-separated segments of [A-Za-z0-9._~-], without '..' or empty segments`)
  }
}

export function isInvalidStoreKeyError(e: unknown): e is InvalidStoreKeyError {
  return e instanceof InvalidStoreKeyError
}
