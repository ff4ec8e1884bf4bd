/**
 * The stores (`stores` in the public API): where checkpoints, run records and leases live.
 *
 * @example
 * p.run({ store: stores.file('.oxiflow'), checkpointInterval: 1000 })
 */
import { FileStore } from './file-store.ts'
import { MemoryStore } from './memory-store.ts'
import { openStore } from './open-store.ts'
import type { StateStore } from './state-store.ts'

export type { StateStore, StoreRecord, Lease, LeaseInfo, LeaseOwner, FenceToken } from './state-store.ts'

/**
 * A store in this process's memory (tests; nothing survives the process).
 *
 * @example
 * const store = stores.memory()
 */
export function memory(): StateStore {
  return new MemoryStore()
}

/**
 * The file store in `dir` (default `.oxiflow`, created 0700 when missing): safe for several
 * processes of one machine.
 *
 * @example
 * const store = stores.file('/var/lib/clicks/.oxiflow')
 */
export function file(dir = '.oxiflow'): StateStore {
  return new FileStore(dir)
}

/**
 * Opens a store by URL or path; without one, `OXIFLOW_STORE` or `.oxiflow`. See openStore.
 *
 * @example
 * const store = stores.open(process.argv[2]) // '.oxiflow', 'memory:', 'file:///srv/x'
 */
export function open(urlOrPath: string = process.env.OXIFLOW_STORE ?? '.oxiflow'): StateStore {
  return openStore(urlOrPath)
}
