import { OxiflowError } from '../oxiflow-error.ts'
import { shown } from '../shown.ts'

/**
 * A zstd compression level outside 1–22.
 *
 * @example
 * new InvalidCodecLevelError(0).message // 'level must be an integer from 1 to 22 for zstd (got 0); 1 is the default'
 */
export class InvalidCodecLevelError extends OxiflowError {
  override readonly name = 'InvalidCodecLevelError'
  constructor(readonly level: unknown) {
    super('ERR_INVALID_CODEC_LEVEL', `level must be an integer from 1 to 22 for zstd (got ${shown(level)}); 1 is the default`)
  }
}

/**
 * True when `e` is an InvalidCodecLevelError.
 *
 * @example
 * if (isInvalidCodecLevelError(e)) console.error(e.level)
 */
export function isInvalidCodecLevelError(e: unknown): e is InvalidCodecLevelError {
  return e instanceof InvalidCodecLevelError
}
