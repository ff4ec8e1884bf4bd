import { createRequire } from 'node:module'
import type pg from 'pg'
import { StaleFenceError } from './stale-fence-error.ts'
import { checkStoreKey } from './check-store-key.ts'
import type { LeaseRecord } from './lease-record.ts'
import { checkFenceToken, checkLeaseRequest, leaseOwnerRecord, mayTakeLease } from './lease-rules.ts'
import { createSchema } from './postgres/postgres-schema.ts'
import { parsePostgresUrl, type PostgresSettings, type PostgresStoreOptions } from './postgres/postgres-url.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner, StateStore, StoreRecord } from './state-store.ts'
import { storeFailure } from './store-failure.ts'

/** Blobs larger than this are read in slices of it (see readSlices). */
const READ_SLICE = 1 << 20

/**
 * A store in PostgreSQL (pg, a pool of connections), shared by runners on several machines.
 * Its tables live in one schema (`oxiflow` unless `?schema=` or `options.schema` says
 * otherwise), created on first use: blobs as bytea, records as jsonb with a version column,
 * leases with token, owner and expiry. Compare-and-set is `UPDATE … WHERE version = $n` (an
 * INSERT for version 0); a fenced put checks the lease's token and writes in one statement,
 * with the lease row share-locked so a grant cannot slip between them; a lease is decided in a
 * transaction holding its row. Lease times are this process's clock, as in the file store.
 *
 * Connecting gives up after 5 s and a query after 30 s, with StoreUnavailableError naming the
 * store without credentials; the pool opens new connections for the next operation, so a job
 * goes on once the server is back.
 *
 * @example
 * const store = new PostgresStore('postgres://localhost/test', { schema: 'clicks' })
 */
export class PostgresStore implements StateStore {
  private readonly settings: PostgresSettings
  private readonly pool: pg.Pool
  private readonly s: string
  private ready: Promise<void> | undefined
  private closed = false

  constructor(url: string, options?: PostgresStoreOptions) {
    this.settings = parsePostgresUrl(url, options)
    this.s = `"${this.settings.schema}"`
    // Loaded when a PostgreSQL store is opened: every process and worker thread imports oxiflow.
    const { Pool } = createRequire(import.meta.url)('pg') as typeof import('pg')
    this.pool = new Pool({
      connectionString: this.settings.connectUrl,
      max: this.settings.poolSize,
      connectionTimeoutMillis: 5_000,
      query_timeout: 30_000,
      idleTimeoutMillis: 10_000,
      allowExitOnIdle: true, // a store nobody closed must not keep the process alive
    })
    // An idle connection the server dropped emits 'error' on the pool: without a listener it would crash the process.
    this.pool.on('error', () => {})
  }

  async put(key: string, bytes: Uint8Array, opts?: { readonly fence?: FenceToken }): Promise<void> {
    checkStoreKey(key)
    const fence = opts?.fence
    if (fence !== undefined) checkFenceToken(fence)
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    await this.call(`put('${key}')`, async () => {
      if (fence === undefined) {
        await this.pool.query(`INSERT INTO ${this.s}.blobs (key, bytes) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes`, [key, data])
        return
      }
      // FOR SHARE: a grant (which updates the row) waits for this write, and this write for a
      // grant in progress, then reads the new token — the check and the write are one step.
      const r = await this.pool.query<{ current: string | null; written: string }>(
        `WITH l AS (SELECT token FROM ${this.s}.leases WHERE name = $3 FOR SHARE),
              w AS (INSERT INTO ${this.s}.blobs (key, bytes) SELECT $1, $2 WHERE coalesce((SELECT token FROM l), 0) <= $4
                    ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes RETURNING 1)
         SELECT (SELECT token FROM l) AS current, (SELECT count(*) FROM w) AS written`, [key, data, fence.lease, fence.token])
      const row = r.rows[0]!
      if (Number(row.written) !== 1) throw new StaleFenceError(key, fence.lease, fence.token, Number(row.current))
    })
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkStoreKey(key)
    return this.call(`get('${key}')`, async () => {
      const r = await this.pool.query<{ bytes: Buffer | null; size: number }>(
        `SELECT CASE WHEN length(bytes) <= ${READ_SLICE} THEN bytes END AS bytes, length(bytes) AS size FROM ${this.s}.blobs WHERE key = $1`, [key])
      const row = r.rows[0]
      if (row === undefined) return undefined
      const b = row.bytes ?? await this.readSlices(key)
      if (b === undefined) return this.get(key) // deleted between the two reads: read again (it may be back)
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) // pg made this Buffer for us alone
    })
  }

  async list(prefix: string): Promise<string[]> {
    checkStoreKey(prefix, 'prefix')
    return this.call(`list('${prefix}')`, async () => {
      const like = `${prefix.replace(/[\\%_]/g, '\\$&')}%`
      const r = await this.pool.query<{ key: string }>(`SELECT key FROM ${this.s}.blobs WHERE key LIKE $1 ESCAPE '\\' ORDER BY key`, [like])
      return r.rows.map((row) => row.key)
    })
  }

  async delete(key: string): Promise<void> {
    checkStoreKey(key)
    await this.call(`delete('${key}')`, () => this.pool.query(`DELETE FROM ${this.s}.blobs WHERE key = $1`, [key]))
  }

  async getRecord<T>(key: string): Promise<StoreRecord<T> | undefined> {
    checkStoreKey(key)
    return this.call(`getRecord('${key}')`, async () => {
      const r = await this.pool.query<{ version: string; value: T }>(`SELECT version, value FROM ${this.s}.records WHERE key = $1`, [key])
      const row = r.rows[0]
      return row && { version: Number(row.version), value: row.value }
    })
  }

  async compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean> {
    checkStoreKey(key)
    const json = JSON.stringify(value) ?? 'null'
    return this.call(`compareAndSet('${key}')`, async () => {
      const r = expectedVersion === 0
        ? await this.pool.query(`INSERT INTO ${this.s}.records (key, version, value) VALUES ($1, 1, $2::jsonb) ON CONFLICT (key) DO NOTHING`, [key, json])
        : await this.pool.query(`UPDATE ${this.s}.records SET version = version + 1, value = $3::jsonb WHERE key = $1 AND version = $2`, [key, expectedVersion, json])
      return r.rowCount === 1
    })
  }

  async lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    checkStoreKey(name, 'lease name')
    checkLeaseRequest(name, owner, ttlMs)
    const mine = leaseOwnerRecord(owner)
    return this.call(`lease('${name}')`, () => this.transaction(async (client) => {
      // A row for every name ever asked for (token 0, no owner), so there is always a row to lock.
      await client.query(`INSERT INTO ${this.s}.leases (name, token, owner, acquired_at, expires_at) VALUES ($1, 0, NULL, 0, 0) ON CONFLICT (name) DO NOTHING`, [name])
      const r = await client.query<{ token: string; owner: LeaseOwner | null; acquired_at: number; expires_at: number }>(
        `SELECT token, owner, acquired_at, expires_at FROM ${this.s}.leases WHERE name = $1 FOR UPDATE`, [name])
      const row = r.rows[0]!
      // The clock is read while the row is locked: a decision on an older `now` could outlive a takeover.
      const now = Date.now()
      const current: LeaseRecord = { token: Number(row.token), owner: row.owner, acquiredAt: row.acquired_at, expiresAt: row.expires_at }
      if (!mayTakeLease(current, mine, now)) return undefined
      const granted: LeaseRecord = { token: current.token + 1, owner: mine, acquiredAt: now, expiresAt: now + ttlMs }
      await client.query(`UPDATE ${this.s}.leases SET token = $2, owner = $3::jsonb, acquired_at = $4, expires_at = $5 WHERE name = $1`,
        [name, granted.token, JSON.stringify(mine), granted.acquiredAt, granted.expiresAt])
      return this.handle(name, granted, ttlMs)
    }))
  }

  async leases(): Promise<LeaseInfo[]> {
    return this.call('leases()', async () => {
      const r = await this.pool.query<{ name: string; token: string; owner: LeaseOwner; acquired_at: number; expires_at: number }>(
        `SELECT name, token, owner, acquired_at, expires_at FROM ${this.s}.leases WHERE owner IS NOT NULL ORDER BY name`)
      return r.rows.map((row) => ({ name: row.name, token: Number(row.token), owner: row.owner, acquiredAt: row.acquired_at, expiresAt: row.expires_at }))
    })
  }

  describe(): string {
    return `postgres store ${this.settings.safeUrl} (schema ${this.settings.schema})`
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }

  private handle(name: string, granted: LeaseRecord, ttlMs: number): Lease {
    const ownerJson = JSON.stringify(granted.owner)
    let expiresAt = granted.expiresAt
    // Both statements match this grant's token and owner, so a handle that was superseded changes nothing.
    return {
      name, token: granted.token, owner: granted.owner!,
      get expiresAt() { return expiresAt },
      renew: () => this.call(`renew('${name}')`, async () => {
        const next = Date.now() + ttlMs
        const r = await this.pool.query(`UPDATE ${this.s}.leases SET expires_at = $4 WHERE name = $1 AND token = $2 AND owner = $3::jsonb`,
          [name, granted.token, ownerJson, next])
        if (r.rowCount !== 1) return false
        expiresAt = next
        return true
      }),
      release: async () => {
        await this.call(`release('${name}')`, () => this.pool.query(
          `UPDATE ${this.s}.leases SET owner = NULL, expires_at = 0 WHERE name = $1 AND token = $2 AND owner = $3::jsonb`, [name, granted.token, ownerJson]))
      },
    }
  }

  /**
   * A large blob in slices of READ_SLICE bytes, in one snapshot (a put in between cannot mix two
   * versions): pg parses one huge row far slower than many small ones (measured on a 32 MiB blob:
   * 7.0 s as one row, 2.7 s in 1 MiB slices). Undefined when the blob is gone meanwhile.
   */
  private readSlices(key: string): Promise<Buffer | undefined> {
    return this.transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      const size = (await client.query<{ size: number }>(`SELECT length(bytes) AS size FROM ${this.s}.blobs WHERE key = $1`, [key])).rows[0]?.size
      if (size === undefined) return undefined
      const parts: Buffer[] = []
      for (let from = 1; from <= size; from += READ_SLICE) {
        const r = await client.query<{ part: Buffer }>(`SELECT substring(bytes FROM $2 FOR ${READ_SLICE}) AS part FROM ${this.s}.blobs WHERE key = $1`, [key, from])
        parts.push(r.rows[0]!.part)
      }
      return Buffer.concat(parts, size)
    })
  }

  private async transaction<T>(f: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    let failed = false
    try {
      await client.query('BEGIN')
      const out = await f(client)
      await client.query('COMMIT')
      return out
    } catch (e) {
      failed = true
      await client.query('ROLLBACK').catch(() => undefined) // the connection may be what failed; the first error is the one to report
      throw e
    } finally {
      client.release(failed) // a connection that failed is closed, not reused
    }
  }

  /** Runs `f` once the schema exists (created on first use; tried again after a failure). */
  private async call<T>(operation: string, f: () => Promise<T>): Promise<T> {
    try {
      this.ready ??= createSchema(this.pool, this.settings.schema).catch((e) => { this.ready = undefined; throw e })
      await this.ready
      return await f()
    } catch (e) {
      throw storeFailure(this.settings.safeUrl, operation, e)
    }
  }
}
