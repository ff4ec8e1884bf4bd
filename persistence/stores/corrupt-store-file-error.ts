import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A record or lease file of the file store that oxiflow cannot read back: not JSON, or missing
 * fields. The store writes them atomically, so this means an edit or another program.
 *
 * @example
 * new CorruptStoreFileError('/data/.oxiflow/leases/pipelines/p/lease=', 'not JSON (Unexpected end of JSON input)')
 */
export class CorruptStoreFileError extends OxiflowError {
  override readonly name = 'CorruptStoreFileError'
  constructor(readonly path: string, readonly problem: string, options?: { cause?: unknown }) {
    super('ERR_CORRUPT_STORE_FILE', `file store file ${path} is unreadable: ${problem}; it was edited or written by another program — ` +
      'delete it if no runner uses this store (a lease or record then starts afresh)', options)
  }
}

/**
 * True when `e` is a CorruptStoreFileError.
 *
 * @example
 * if (isCorruptStoreFileError(e)) console.error(e.path)
 */
export function isCorruptStoreFileError(e: unknown): e is CorruptStoreFileError {
  return e instanceof CorruptStoreFileError
}
