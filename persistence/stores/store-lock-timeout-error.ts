import { OxiflowError } from '../oxiflow-error.ts'

/**
 * The file store's lock stayed held past the wait limit by a process that looks alive (a hung
 * runner, or a dead runner's pid reused by another process).
 *
 * @example
 * new StoreLockTimeoutError('/data/.oxiflow/.lock', 'pid 4242 on host a1', 20000)
 */
export class StoreLockTimeoutError extends OxiflowError {
  override readonly name = 'StoreLockTimeoutError'
  constructor(readonly path: string, readonly holder: string, readonly waitedMs: number) {
    super('ERR_STORE_LOCK_TIMEOUT', `file store lock ${path} is still held by ${holder} after ${waitedMs} ms; ` +
      `if no oxiflow process uses this store, delete ${path}`)
  }
}

/**
 * True when `e` is a StoreLockTimeoutError.
 *
 * @example
 * if (isStoreLockTimeoutError(e)) console.error(e.path)
 */
export function isStoreLockTimeoutError(e: unknown): e is StoreLockTimeoutError {
  return e instanceof StoreLockTimeoutError
}
