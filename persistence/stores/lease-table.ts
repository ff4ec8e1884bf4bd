import { StaleFenceError } from './stale-fence-error.ts'
import { checkLeaseRequest, leaseOwnerRecord, mayTakeLease, sameOwner } from './lease-rules.ts'
import type { LeaseRecord } from './lease-record.ts'
import { checkStoreKey } from './check-store-key.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner } from './state-store.ts'

/**
 * How a store keeps its lease records: read and write one, list all, and a section that runs
 * alone (in this process and across every process sharing the store).
 *
 * @example
 * const io: LeaseTableIO = { read, write, all, exclusive: (f) => queue.run(f) }
 */
export interface LeaseTableIO {
  read(name: string): Promise<LeaseRecord | undefined>
  write(name: string, record: LeaseRecord): Promise<void>
  all(): Promise<Array<[string, LeaseRecord]>>
  exclusive<T>(f: () => Promise<T>): Promise<T>
}

/**
 * Leases over any LeaseTableIO — grant, renew, release and fence checks — each a read-decide-
 * write inside the store's exclusive section, so two runners never both win a lease.
 *
 * @example
 * const table = new LeaseTable(io); const lease = await table.lease('pipelines/p/lease', owner, 15_000)
 */
export class LeaseTable {
  constructor(private readonly io: LeaseTableIO) {}

  async lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    checkStoreKey(name, 'lease name')
    checkLeaseRequest(name, owner, ttlMs)
    const mine = leaseOwnerRecord(owner)
    return this.io.exclusive(async () => {
      // The clock is read inside the section: a grant decided on a stale `now` could outlive
      // a takeover that another process decided in between.
      const now = Date.now()
      const current = await this.io.read(name)
      if (!mayTakeLease(current, mine, now)) return undefined
      const record: LeaseRecord = { token: (current?.token ?? 0) + 1, owner: mine, acquiredAt: now, expiresAt: now + ttlMs }
      await this.io.write(name, record)
      return this.handle(name, record, ttlMs)
    })
  }

  async leases(): Promise<LeaseInfo[]> {
    const out: LeaseInfo[] = []
    for (const [name, r] of await this.io.all()) {
      if (r.owner) out.push({ name, token: r.token, owner: r.owner, acquiredAt: r.acquiredAt, expiresAt: r.expiresAt })
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Throws StaleFenceError when a token newer than the fence's was granted. Call inside `exclusive`, next to the write. */
  async checkFence(key: string, fence: FenceToken | undefined): Promise<void> {
    if (!fence) return
    const current = await this.io.read(fence.lease)
    if (current && current.token > fence.token) throw new StaleFenceError(key, fence.lease, fence.token, current.token)
  }

  private handle(name: string, granted: LeaseRecord, ttlMs: number): Lease {
    const io = this.io
    const owner = granted.owner!
    const isThisGrant = (r: LeaseRecord | undefined): r is LeaseRecord => r !== undefined && r.token === granted.token && sameOwner(r.owner, owner)
    let expiresAt = granted.expiresAt
    return {
      name, token: granted.token, owner,
      get expiresAt() { return expiresAt },
      // A grant that expired but was not taken over may still be renewed: nobody else relied on
      // its expiry (a takeover would have changed the token).
      renew: () => io.exclusive(async () => {
        const r = await io.read(name)
        if (!isThisGrant(r)) return false
        r.expiresAt = Date.now() + ttlMs
        await io.write(name, r)
        expiresAt = r.expiresAt
        return true
      }),
      release: () => io.exclusive(async () => {
        const r = await io.read(name)
        if (isThisGrant(r)) await io.write(name, { token: r.token, owner: null, acquiredAt: r.acquiredAt, expiresAt: 0 })
      }),
    }
  }
}
