import { OxiflowError } from './oxiflow-error.ts'

/**
 * A codec name that is not one of none, lz4, snappy, zstd.
 *
 * @example
 * new UnknownCodecError('gzip') // codec must be one of none, lz4, snappy, zstd (got 'gzip')
 */
export class UnknownCodecError extends OxiflowError {
  override readonly name = 'UnknownCodecError'
  constructor(readonly codec: string) {
    super('ERR_UNKNOWN_CODEC', `codec must be one of none, lz4, snappy, zstd (got '${codec}')`)
  }
}

export function isUnknownCodecError(e: unknown): e is UnknownCodecError {
  return e instanceof UnknownCodecError
}
