import { OxiflowError } from '../oxiflow-error.ts'
import { StoreIoError } from './store-io-error.ts'

/** What to do about an errno, for a store in `root`. */
const ADVICE: Record<string, (root: string) => string> = {
  ENOSPC: (root) => `free space on the filesystem holding ${root} (or keep fewer checkpoints), then retry; ` +
    'a periodic checkpoint that fails is counted and the next one retries',
  EFBIG: () => 'a file size limit stopped the write (ulimit -f, or the filesystem\'s largest file): raise the limit for this process',
  EDQUOT: (root) => `the disk quota of this user is used up on the filesystem holding ${root}: free space or raise the quota, then retry`,
  EACCES: (root) => `this user may not read or write there: run as the user that owns ${root} (its files are 0600, its directories 0700) or fix the permissions`,
  EPERM: (root) => `this user may not change that file: run as the user that owns ${root} or fix the permissions`,
  EROFS: (root) => `the filesystem holding ${root} is read-only: give --store a writable directory`,
  EMFILE: () => 'this process has too many files open: raise the limit (ulimit -n)',
  ENFILE: () => 'the system has too many files open: close some or raise fs.file-max',
  EIO: (root) => `the disk holding ${root} reported an I/O error: check the disk and its log (dmesg)`,
  ENOTDIR: (root) => `something in ${root} that should be a directory is a file: the store's layout was changed by hand; move it away`,
  EEXIST: (root) => `something in ${root} that should be a directory is a file: the store's layout was changed by hand; move it away`,
  EISDIR: (root) => `something in ${root} that should be a file is a directory: the store's layout was changed by hand; move it away`,
}

/**
 * The error a file store operation rejects with: oxiflow's own errors (a stale fence, an invalid
 * key, a corrupt record) pass unchanged; a filesystem error (it has an errno code) becomes a
 * StoreIoError naming the store, the operation with its key, the file, the errno and what to do,
 * with the original as `cause`. Anything else passes unchanged too (a bug should show as one).
 *
 * @example
 * try { await rename(tmp, path) } catch (e) { throw fileStoreFailure('/data/.oxiflow', "put('k')", e) }
 */
export function fileStoreFailure(root: string, operation: string, e: unknown): unknown {
  if (e instanceof OxiflowError) return e
  const err = e as NodeJS.ErrnoException | null
  if (typeof err?.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return e
  // Node's text is "ENOSPC: no space left on device, write '…'": keep the description only.
  const description = /^[A-Z0-9]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message
  const advice = ADVICE[err.code]?.(root) ?? `check that ${root} is a writable directory on a local filesystem, then retry`
  return new StoreIoError(root, operation, err.code, err.path, description, advice, { cause: e })
}
