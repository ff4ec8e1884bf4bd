import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A file store operation failed in the filesystem (a full disk, a permission, a read-only
 * mount): names the store, the operation and its key, the file and errno, and what to do. Its
 * code is StoreUnavailableError's (ERR_STORE_UNAVAILABLE): a store that cannot write is a store
 * outage, so supervision restarts a job it failed and the run record marks it retryable.
 *
 * @example
 * new StoreIoError('/data/.oxiflow', "put('pipelines/p/run')", 'ENOSPC', '/data/.oxiflow/tmp/1-ab.tmp', 'no space left on device', 'free space …').message
 * // "store '/data/.oxiflow' failed put('pipelines/p/run'): ENOSPC (no space left on device) on /data/.oxiflow/tmp/1-ab.tmp — free space …"
 */
export class StoreIoError extends OxiflowError {
  override readonly name = 'StoreIoError'
  constructor(readonly root: string, readonly operation: string, readonly errno: string, readonly file: string | undefined,
    description: string, advice: string, options?: { readonly cause?: unknown }) {
    super('ERR_STORE_UNAVAILABLE', `store '${root}' failed ${operation}: ${errno} (${description})` +
      `${file === undefined ? '' : ` on ${file}`} — ${advice}`, options)
  }
}

/**
 * True when `e` is a StoreIoError.
 *
 * @example
 * if (isStoreIoError(e) && e.errno === 'ENOSPC') alertDiskFull()
 */
export function isStoreIoError(e: unknown): e is StoreIoError {
  return e instanceof StoreIoError
}
