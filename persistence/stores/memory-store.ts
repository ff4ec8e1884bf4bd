import { LeaseTable } from './lease-table.ts'
import type { LeaseRecord } from './lease-rules.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner, StateStore } from './state-store.ts'
import { checkKey } from './store-keys.ts'

/**
 * A store in this process's memory: for tests and jobs that need no durability. Same semantics
 * as the others (it passes the conformance suite); bytes are copied in and out.
 *
 * @example
 * const store = stores.memory()
 */
export class MemoryStore implements StateStore {
  private readonly blobs = new Map<string, Uint8Array>()
  private readonly records = new Map<string, { version: number; value: unknown }>()
  private readonly leaseRecords = new Map<string, LeaseRecord>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly leaseTable = new LeaseTable({
    read: async (name) => structuredClone(this.leaseRecords.get(name)),
    write: async (name, r) => { this.leaseRecords.set(name, structuredClone(r)) },
    all: async () => [...this.leaseRecords].map(([n, r]) => [n, structuredClone(r)]),
    exclusive: (f) => this.exclusive(f),
  })

  async put(key: string, bytes: Uint8Array, opts?: { fence?: FenceToken }): Promise<void> {
    checkKey(key)
    await this.exclusive(async () => {
      await this.leaseTable.checkFence(key, opts?.fence)
      this.blobs.set(key, Uint8Array.from(bytes))
    })
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key)
    const b = this.blobs.get(key)
    return b && Uint8Array.from(b)
  }

  async list(prefix: string): Promise<string[]> {
    checkKey(prefix, true)
    return [...this.blobs.keys()].filter((k) => k.startsWith(prefix)).sort()
  }

  async delete(key: string): Promise<void> {
    checkKey(key)
    this.blobs.delete(key)
  }

  async getRecord<T>(key: string): Promise<{ version: number; value: T } | undefined> {
    checkKey(key)
    const r = this.records.get(key)
    return r && { version: r.version, value: structuredClone(r.value) as T }
  }

  compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean> {
    checkKey(key)
    return this.exclusive(async () => {
      if ((this.records.get(key)?.version ?? 0) !== expectedVersion) return false
      this.records.set(key, { version: expectedVersion + 1, value: structuredClone(value) })
      return true
    })
  }

  lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    checkKey(name)
    return this.leaseTable.lease(name, owner, ttlMs)
  }

  leases(): Promise<LeaseInfo[]> {
    return this.leaseTable.leases()
  }

  describe(): string {
    return 'memory store'
  }

  async close(): Promise<void> {}

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f)
    this.queue = next.catch(() => {})
    return next
  }
}
