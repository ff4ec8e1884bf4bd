import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A store key (or prefix, or lease name) that is not a '/'-separated path of non-empty
 * [A-Za-z0-9._~-] segments other than '.' and '..'. `what` names the argument, `problem` what is
 * wrong with it.
 *
 * @example
 * new InvalidStoreKeyError('key', 'a//b', 'segment 2 is empty').message
 * // "store key 'a//b' is invalid: segment 2 is empty; use '/'-separated segments of [A-Za-z0-9._~-], none empty, '.' or '..' (e.g. 'pipelines/clicks/run')"
 */
export class InvalidStoreKeyError extends OxiflowError {
  override readonly name = 'InvalidStoreKeyError'
  constructor(readonly what: 'key' | 'prefix' | 'lease name', readonly key: string, readonly problem: string) {
    super('ERR_INVALID_STORE_KEY', `store ${what} '${key}' is invalid: ${problem}; use '/'-separated segments of [A-Za-z0-9._~-], ` +
      `none empty, '.' or '..' (e.g. 'pipelines/clicks/run')`)
  }
}

/**
 * True when `e` is an InvalidStoreKeyError.
 *
 * @example
 * if (isInvalidStoreKeyError(e)) console.error(e.key)
 */
export function isInvalidStoreKeyError(e: unknown): e is InvalidStoreKeyError {
  return e instanceof InvalidStoreKeyError
}
