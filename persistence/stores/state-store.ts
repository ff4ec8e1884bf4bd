/** Who holds a lease: the runner's id, its host and process. */
export interface LeaseOwner {
  readonly runner: string
  readonly host: string
  readonly pid: number
}

/** A granted lease. `token` increases on every grant of the same name (never reused). */
export interface Lease {
  readonly name: string
  readonly token: number
  readonly owner: LeaseOwner
  readonly expiresAt: number
  /** Extends the lease by its TTL; false when it is no longer this holder's. */
  renew(): Promise<boolean>
  release(): Promise<void>
}

/** A lease as the CLI lists it. */
export interface LeaseInfo {
  readonly name: string
  readonly token: number
  readonly owner: LeaseOwner
  readonly acquiredAt: number
  readonly expiresAt: number
}

/** Carried by a write: refused once a newer token of that lease was granted. */
export interface FenceToken {
  readonly lease: string
  readonly token: number
}

/**
 * Where checkpoints, run records and leases live (DESIGN §5). Keys are '/'-separated paths of
 * [A-Za-z0-9._~-] segments. Every implementation passes test/persistence/store-conformance.ts.
 *
 * @example
 * const store = stores.file('.oxiflow'); await store.put('a/b', new Uint8Array([1])); await store.get('a/b')
 */
export interface StateStore {
  /** Atomic: a reader sees the old bytes or the new, never a part. */
  put(key: string, bytes: Uint8Array, opts?: { readonly fence?: FenceToken }): Promise<void>
  get(key: string): Promise<Uint8Array | undefined>
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>
  delete(key: string): Promise<void>
  getRecord<T>(key: string): Promise<{ version: number; value: T } | undefined>
  /** Writes `value` as version expected + 1 if the record is at `expectedVersion` (0 = absent). */
  compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean>
  /**
   * Grants the lease when it is free, expired, held by this same owner, or held by a dead
   * process on this host (taken over at once); undefined while another live owner holds it.
   */
  lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined>
  leases(): Promise<LeaseInfo[]>
  /** For messages; never contains credentials. */
  describe(): string
  close(): Promise<void>
}
