import { StaleFenceError } from '../errors/stale-fence-error.ts'
import { mayTake, sameOwner, type LeaseRecord } from './lease-rules.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner } from './state-store.ts'

/** How a store keeps its lease records: read/write one, list all, and a mutual-exclusion section. */
export interface LeaseTableIO {
  read(name: string): Promise<LeaseRecord | undefined>
  write(name: string, record: LeaseRecord): Promise<void>
  all(): Promise<[string, LeaseRecord][]>
  /** Runs `f` alone (within this process and across processes sharing the store). */
  exclusive<T>(f: () => Promise<T>): Promise<T>
}

/**
 * Leases over any LeaseTableIO: grant, renew, release and fence checks, each inside the
 * store's exclusive section so two runners never both win.
 */
export class LeaseTable {
  constructor(private readonly io: LeaseTableIO) {}

  lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    return this.io.exclusive(async () => {
      const now = Date.now()
      const current = await this.io.read(name)
      if (!mayTake(current, owner, now)) return undefined
      const record: LeaseRecord = { token: (current?.token ?? 0) + 1, owner, acquiredAt: now, expiresAt: now + ttlMs }
      await this.io.write(name, record)
      return this.handle(name, record, ttlMs)
    })
  }

  async leases(): Promise<LeaseInfo[]> {
    const out: LeaseInfo[] = []
    for (const [name, r] of await this.io.all()) {
      if (r.owner) out.push({ name, token: r.token, owner: r.owner, acquiredAt: r.acquiredAt, expiresAt: r.expiresAt })
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Throws StaleFenceError when a newer token of the fence's lease was granted. Call inside `exclusive`. */
  async checkFence(key: string, fence: FenceToken | undefined): Promise<void> {
    if (!fence) return
    const current = await this.io.read(fence.lease)
    if (current && current.token > fence.token) throw new StaleFenceError(key, fence.lease, fence.token, current.token)
  }

  private handle(name: string, granted: LeaseRecord, ttlMs: number): Lease {
    const io = this.io
    const mine = (r: LeaseRecord | undefined): r is LeaseRecord => r !== undefined && r.token === granted.token && sameOwner(r.owner, granted.owner!)
    const lease = {
      name, token: granted.token, owner: granted.owner!, expiresAt: granted.expiresAt,
      renew: () => io.exclusive(async () => {
        const r = await io.read(name)
        if (!mine(r)) return false
        r.expiresAt = Date.now() + ttlMs
        await io.write(name, r)
        lease.expiresAt = r.expiresAt
        return true
      }),
      release: () => io.exclusive(async () => {
        const r = await io.read(name)
        if (mine(r)) await io.write(name, { token: r.token, owner: undefined, acquiredAt: r.acquiredAt, expiresAt: 0 })
      }),
    }
    return lease
  }
}
