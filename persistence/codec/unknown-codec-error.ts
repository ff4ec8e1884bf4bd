import { OxiflowError } from '../oxiflow-error.ts'
import { shown } from '../shown.ts'

/**
 * A codec name that is not one of none, lz4, snappy, zstd. `option` names where it came from.
 *
 * @example
 * new UnknownCodecError('gzip').message // "codec must be one of none, lz4, snappy, zstd (got "gzip"); zstd is the default"
 */
export class UnknownCodecError extends OxiflowError {
  override readonly name = 'UnknownCodecError'
  constructor(readonly codec: string, readonly option = 'codec') {
    super('ERR_UNKNOWN_CODEC', `${option} must be one of none, lz4, snappy, zstd (got ${shown(codec)}); zstd is the default`)
  }
}

/**
 * True when `e` is an UnknownCodecError.
 *
 * @example
 * if (isUnknownCodecError(e)) console.error(e.option, e.codec)
 */
export function isUnknownCodecError(e: unknown): e is UnknownCodecError {
  return e instanceof UnknownCodecError
}
