/**
 * The stores (`stores` in the public API).
 *
 * @example
 * p.run({ store: stores.file('.oxiflow'), checkpointInterval: 1000 })
 */
import { FileStore } from './file-store.ts'
import { MemoryStore } from './memory-store.ts'
import type { StateStore } from './state-store.ts'

export { openStore as open } from './open-store.ts'
export type { StateStore, Lease, LeaseInfo, LeaseOwner, FenceToken } from './state-store.ts'

/** A store in memory (tests). */
export function memory(): StateStore {
  return new MemoryStore()
}

/** The file store in `dir` (default `.oxiflow`). */
export function file(dir = '.oxiflow'): StateStore {
  return new FileStore(dir)
}
