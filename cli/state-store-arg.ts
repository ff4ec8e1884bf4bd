import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openStore } from '../persistence/stores/open-store.ts'
import type { StateStore } from '../persistence/stores/state-store.ts'
import { UsageError } from './usage-error.ts'

/**
 * The store a `state` or `runner` command works on: `--store`, else OXIFLOW_STORE, else
 * `.oxiflow` (as `run` and `checkpoints`).
 *
 * @example
 * storeLocation(values.store) // '.oxiflow'
 */
export function storeLocation(flag: string | undefined): string {
  return flag ?? process.env.OXIFLOW_STORE ?? '.oxiflow'
}

/**
 * Opens an existing store for an offline command. A file store directory that does not exist
 * is a usage error (opening would create it and report it empty); `create` allows it (import).
 *
 * @example
 * const store = openExistingStore('.oxiflow', 'state')
 */
export function openExistingStore(where: string, command: string, create = false): StateStore {
  const dir = fileStoreDir(where)
  if (!create && dir !== undefined && !existsSync(dir)) {
    throw new UsageError(`no store at ${resolve(dir)}: the directory does not exist; give --store the store the job ran with (default OXIFLOW_STORE or .oxiflow)`, command)
  }
  return openStore(where)
}

/**
 * The `tmp/` directory of a file store location (where its temp files are), undefined for other stores.
 *
 * @example
 * fileStoreTempDir('.oxiflow') // '.oxiflow/tmp'
 */
export function fileStoreTempDir(where: string): string | undefined {
  const dir = fileStoreDir(where)
  return dir === undefined ? undefined : join(dir, 'tmp')
}

/** The directory of a file-store location (a path or file:// URL, as openStore reads it), undefined for other stores. */
function fileStoreDir(where: string): string | undefined {
  if (where === 'memory:' || where === 'memory://') return undefined
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(where)?.[1]?.toLowerCase()
  if (scheme === undefined) return where
  return scheme === 'file' ? new URL(where).pathname : undefined
}
