import { StoreUnavailableError } from '../errors/store-unavailable-error.ts'
import { FileStore } from './file-store.ts'
import { MemoryStore } from './memory-store.ts'
import type { StateStore } from './state-store.ts'

/**
 * Opens a store by URL: a path is the file store, `memory:` the memory store. `redis://` and
 * `postgres://` are refused with a clear message (the shared stores are not in this version).
 * Credentials in a URL never appear in messages.
 *
 * @example
 * openStore('.oxiflow') // FileStore
 */
export function openStore(url: string): StateStore {
  if (url === 'memory:' || url === 'memory://') return new MemoryStore()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase()
  if (scheme === undefined || scheme === 'file') return new FileStore(scheme === 'file' ? new URL(url).pathname : url)
  const safe = url.replace(/\/\/[^@/]*@/, '//***@')
  throw new StoreUnavailableError(safe, `${scheme}:// stores are not in this version; use a directory path for the file store (e.g. --store .oxiflow)`)
}
