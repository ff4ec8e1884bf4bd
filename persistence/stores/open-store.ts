import { fileURLToPath } from 'node:url'
import { StoreUnavailableError } from '../errors/store-unavailable-error.ts'
import { FileStore } from './file-store.ts'
import { maskCredentials } from './mask-credentials.ts'
import { MemoryStore } from './memory-store.ts'
import type { StateStore } from './state-store.ts'

const LATER: Readonly<Record<string, string>> = { redis: 'redis', rediss: 'redis', postgres: 'postgres', postgresql: 'postgres' }

/**
 * Opens a store by URL or path: a path or `file:` URL is the file store, `memory:` the memory
 * store. `redis://` and `postgres://` are refused for now (StoreUnavailableError: the shared
 * stores arrive with issue 8), as is any other scheme. Messages never show a URL's credentials.
 *
 * @example
 * openStore('.oxiflow')       // FileStore in ./.oxiflow
 * openStore('memory:')        // MemoryStore
 * openStore('redis://db:6379') // throws StoreUnavailableError
 */
export function openStore(urlOrPath: string): StateStore {
  if (typeof urlOrPath !== 'string' || urlOrPath.trim() === '') {
    throw new StoreUnavailableError(String(urlOrPath), 'no path or URL given; use a directory path for the file store (e.g. .oxiflow) or memory:')
  }
  if (urlOrPath === 'memory:' || urlOrPath === 'memory://') return new MemoryStore()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(urlOrPath)?.[1]?.toLowerCase()
  if (scheme === undefined) return new FileStore(urlOrPath)
  if (scheme === 'file') return new FileStore(fileURLToPath(urlOrPath))
  const safe = maskCredentials(urlOrPath)
  const later = LATER[scheme]
  if (later !== undefined) {
    throw new StoreUnavailableError(safe, `${later}:// stores arrive with the shared-stores release; use a path for the file store`)
  }
  throw new StoreUnavailableError(safe, `${scheme}:// is not a store oxiflow knows; use a path for the file store or memory: for the memory store`)
}
