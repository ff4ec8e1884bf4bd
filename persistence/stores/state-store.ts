/**
 * Who holds a lease: the runner's id, its host and process. A holder on this host whose pid is
 * dead, or is another process now (its `start` differs), loses the lease at once; elsewhere it
 * lasts until its TTL (persistence/stores/lease-holder.ts).
 *
 * @example
 * const owner: LeaseOwner = { runner: 'r1', host: os.hostname(), pid: process.pid, ...ownProcessStart() }
 */
export interface LeaseOwner {
  readonly runner: string
  readonly host: string
  readonly pid: number
  /**
   * The process's start, `<boot id>/<start ticks>` (processIdentity): tells a reused pid, or PID 1
   * of a later container life, from the holder. Optional: absent in leases of earlier versions
   * and where /proc is missing; such an owner is judged by its pid alone.
   */
  readonly start?: string
  /**
   * The process's PID namespace (ownPidNamespace): a holder of this host in another namespace
   * cannot be probed by its pid, so only its TTL frees its lease. Optional, like `start`.
   */
  readonly pidns?: string
}

/**
 * A granted lease. `token` is larger than every token granted before for the same name (never
 * reused, also after a release); writes carry it as a fence. Asking again as the same owner
 * (runner, host and pid equal) is a new grant with a new token: the older handle's `renew`
 * then returns false.
 *
 * @example
 * const lease = await store.lease('pipelines/clicks/lease', owner, 15_000)
 * if (lease && !(await lease.renew())) stop()
 */
export interface Lease {
  readonly name: string
  readonly token: number
  readonly owner: LeaseOwner
  /** Epoch ms; moves forward on each successful renew. */
  readonly expiresAt: number
  /** Extends the lease by its TTL from now; false when the lease is no longer this grant's (taken over, re-granted or released). */
  renew(): Promise<boolean>
  /** Frees the lease (the token stays, so the next grant gets a larger one); does nothing when no longer held. */
  release(): Promise<void>
}

/**
 * A lease as the CLI lists it (`store.leases()`), expired ones included until released.
 *
 * @example
 * for (const l of await store.leases()) console.log(l.name, l.owner.runner, l.token)
 */
export interface LeaseInfo {
  readonly name: string
  readonly token: number
  readonly owner: LeaseOwner
  readonly acquiredAt: number
  readonly expiresAt: number
}

/**
 * Carried by a write: the store refuses it (StaleFenceError) once a newer token of the named
 * lease was granted.
 *
 * @example
 * await store.put(key, bytes, { fence: { lease: lease.name, token: lease.token } })
 */
export interface FenceToken {
  readonly lease: string
  readonly token: number
}

/**
 * A versioned record as read back: `value` is JSON data (what JSON.stringify keeps).
 *
 * @example
 * const r: StoreRecord<{ state: string }> | undefined = await store.getRecord('pipelines/p/run')
 */
export interface StoreRecord<T> {
  readonly version: number
  readonly value: T
}

/**
 * Where checkpoints, run records and leases live (docs/architecture.md, "Stores"). Keys, prefixes and lease names
 * are '/'-separated paths of non-empty [A-Za-z0-9._~-] segments other than '.' and '..'
 * (InvalidStoreKeyError otherwise). Blobs, records and leases are three separate namespaces.
 * Every implementation passes test/persistence/store-conformance.ts.
 *
 * @example
 * const store = stores.file('.oxiflow'); await store.put('a/b', new Uint8Array([1])); await store.get('a/b')
 */
export interface StateStore {
  /**
   * Atomic: a reader sees the old bytes or the new, never a part. Fenced: StaleFenceError when the
   * fence's lease has a newer token. `bytes` must not change until the promise settles.
   */
  put(key: string, bytes: Uint8Array, opts?: { readonly fence?: FenceToken }): Promise<void>
  /** The bytes (a copy the caller owns), or undefined. */
  get(key: string): Promise<Uint8Array | undefined>
  /** Keys starting with `prefix` (plain string prefix; '' lists all), sorted by code unit. */
  list(prefix: string): Promise<string[]>
  /** Removes the key; nothing happens when it is absent. */
  delete(key: string): Promise<void>
  getRecord<T>(key: string): Promise<StoreRecord<T> | undefined>
  /** Writes `value` as version expected + 1 when the record is at `expectedVersion` (0 = absent); false otherwise. */
  compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean>
  /**
   * Grants the lease when it is free, expired (expiresAt < now), held by this same owner, or
   * held by a dead process on this host (taken over at once); undefined while another live
   * owner holds it.
   */
  lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined>
  /** Every held lease (released ones are not listed), sorted by name. */
  leases(): Promise<LeaseInfo[]>
  /** For messages, e.g. `file store /srv/app/.oxiflow`; never contains credentials. */
  describe(): string
  close(): Promise<void>
}
