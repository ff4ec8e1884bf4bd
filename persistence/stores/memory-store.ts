import { checkStoreKey } from './check-store-key.ts'
import { LeaseTable } from './lease-table.ts'
import type { LeaseRecord } from './lease-record.ts'
import { checkFenceToken } from './lease-rules.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner, StateStore, StoreRecord } from './state-store.ts'

/**
 * A store in this process's memory: for tests and jobs that need no durability. Same semantics
 * as the others (it passes the conformance suite): bytes are copied in and out, record values
 * go through JSON as they would in a file or database, and a lease held by a dead pid of this
 * host is taken over at once.
 *
 * @example
 * const store = stores.memory()
 */
export class MemoryStore implements StateStore {
  private readonly blobs = new Map<string, Uint8Array>()
  private readonly records = new Map<string, { version: number; json: string }>()
  private readonly leaseRecords = new Map<string, LeaseRecord>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly leaseTable = new LeaseTable({
    read: async (name) => structuredClone(this.leaseRecords.get(name)),
    write: async (name, r) => { this.leaseRecords.set(name, structuredClone(r)) },
    all: async () => [...this.leaseRecords].map(([n, r]) => [n, structuredClone(r)]),
    exclusive: (f) => this.exclusive(f),
  })

  async put(key: string, bytes: Uint8Array, opts?: { readonly fence?: FenceToken }): Promise<void> {
    checkStoreKey(key)
    const fence = opts?.fence
    if (fence === undefined) {
      this.blobs.set(key, bytes.slice())
      return
    }
    checkFenceToken(fence)
    const copy = bytes.slice() // the caller may reuse `bytes` once put is called
    await this.exclusive(async () => {
      await this.leaseTable.checkFence(key, fence)
      this.blobs.set(key, copy)
    })
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkStoreKey(key)
    const b = this.blobs.get(key)
    return b && b.slice()
  }

  async list(prefix: string): Promise<string[]> {
    checkStoreKey(prefix, 'prefix')
    return [...this.blobs.keys()].filter((k) => k.startsWith(prefix)).sort()
  }

  async delete(key: string): Promise<void> {
    checkStoreKey(key)
    this.blobs.delete(key)
  }

  async getRecord<T>(key: string): Promise<StoreRecord<T> | undefined> {
    checkStoreKey(key)
    const r = this.records.get(key)
    return r && { version: r.version, value: JSON.parse(r.json) as T }
  }

  async compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean> {
    checkStoreKey(key)
    const json = JSON.stringify(value) ?? 'null'
    return this.exclusive(async () => {
      if ((this.records.get(key)?.version ?? 0) !== expectedVersion) return false
      this.records.set(key, { version: expectedVersion + 1, json })
      return true
    })
  }

  async lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    return this.leaseTable.lease(name, owner, ttlMs)
  }

  async leases(): Promise<LeaseInfo[]> {
    return this.leaseTable.leases()
  }

  describe(): string {
    return 'memory store'
  }

  async close(): Promise<void> {}

  /** Runs `f` after every section queued before it (a fenced put, CAS or lease decision at a time). */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f)
    this.queue = next.catch(() => undefined)
    return next
  }
}
