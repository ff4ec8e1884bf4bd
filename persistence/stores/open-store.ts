import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { InvalidStoreUrlError } from './invalid-store-url-error.ts'
import { StoreUnavailableError } from './store-unavailable-error.ts'
import { FileStore } from './file-store.ts'
import { maskCredentials } from './mask-credentials.ts'
import { MemoryStore } from './memory-store.ts'
import { PostgresStore } from './postgres-store.ts'
import { RedisStore } from './redis-store.ts'
import type { StateStore } from './state-store.ts'

/**
 * Opens a store by URL or path: a path or `file:` URL is the file store, `memory:` the memory
 * store, `redis://` / `rediss://` the Redis store (`?prefix=P` for its key prefix, default
 * `oxiflow`) and `postgres://` / `postgresql://` the PostgreSQL store (`?schema=S`, default
 * `oxiflow`). The shared stores connect on first use. Another scheme is refused
 * (StoreUnavailableError). Messages never show a URL's credentials.
 *
 * @example
 * openStore('.oxiflow')                                // FileStore in ./.oxiflow
 * openStore('memory:')                                 // MemoryStore
 * openStore('redis://127.0.0.1:6379/0?prefix=clicks')  // RedisStore
 * openStore('postgres://localhost/test?schema=clicks') // PostgresStore
 */
export function openStore(urlOrPath: string): StateStore {
  if (typeof urlOrPath !== 'string' || urlOrPath.trim() === '') {
    throw new StoreUnavailableError(String(urlOrPath), 'no path or URL given; use a directory path for the file store (e.g. .oxiflow) or memory:')
  }
  if (urlOrPath === 'memory:' || urlOrPath === 'memory://') return new MemoryStore()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(urlOrPath)?.[1]?.toLowerCase()
  if (scheme === undefined) return new FileStore(directoryOf(urlOrPath))
  if (scheme === 'file') return new FileStore(directoryOf(fileURLToPath(urlOrPath)))
  if (scheme === 'redis' || scheme === 'rediss') return new RedisStore(urlOrPath)
  if (scheme === 'postgres' || scheme === 'postgresql') return new PostgresStore(urlOrPath)
  const safe = maskCredentials(urlOrPath)
  // A value no store takes, not a store that is away: no retry or restart can help.
  throw new InvalidStoreUrlError(safe, 'scheme', `${scheme}:// is not a store oxiflow knows; use a path for the file store, memory: for the memory store, ` +
    'redis://host:port/db or postgres://host/database for a shared store')
}

/**
 * A file store's path, refused when it names something other than a directory (a value no store
 * takes, as a bad URL is): a store there would fail to create its folders in it, telling the
 * operator to move the file away — their module, or /etc/passwd.
 */
function directoryOf(path: string): string {
  const found = statSync(path, { throwIfNoEntry: false })
  if (found !== undefined && !found.isDirectory()) {
    throw new InvalidStoreUrlError(path, 'the path', 'names a file, not a directory: a file store is a directory (created when missing); give the store a directory path')
  }
  return path
}
