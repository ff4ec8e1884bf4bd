import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { createRequire } from 'node:module'
import type { Redis } from 'ioredis'
import { StaleFenceError } from './stale-fence-error.ts'
import { StoreUnavailableError } from './store-unavailable-error.ts'
import { DamagedBlobError } from './damaged-blob-error.ts'
import { InvalidStoreUrlError } from './invalid-store-url-error.ts'
import { checkStoreKey } from './check-store-key.ts'
import type { LeaseRecord } from './lease-record.ts'
import { checkFenceToken, checkLeaseRequest, leaseOwnerRecord, mayTakeLease } from './lease-rules.ts'
import { chunkedHead, inlineHead, readHead } from './redis/redis-blob-head.ts'
import { COMPARE_AND_SET, DELETE, GRANT, LEASES, PUT, RELEASE, RENEW } from './redis/redis-scripts.ts'
import { parseRedisUrl, type RedisSettings, type RedisStoreOptions } from './redis/redis-url.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner, StateStore, StoreRecord } from './state-store.ts'
import { storeFailure } from './store-failure.ts'
import { CorruptRecordError } from './corrupt-record-error.ts'

type Script = (...args: Array<string | number | Buffer>) => Promise<unknown>

/** Chunks of a blob written before its head expire after this long unless the head's put made them persistent. */
const CHUNK_TTL_MS = 3_600_000
/** Chunks sent or fetched per round trip. */
const CHUNKS_PER_TRIP = 8
/** An idle connection is closed after this long (longer than a runner's lease renewal interval, 5 s). */
const IDLE_DISCONNECT_MS = 10_000

/**
 * A store in Redis (ioredis), shared by runners on several machines. Every key starts with the
 * store's prefix (`oxiflow:` unless the URL's `?prefix=` or `options.prefix` says otherwise).
 * Blobs are binary values, chunked above `chunkSize` (1 MiB) with the head put last, so a reader
 * sees the old blob or the new one; records are compare-and-set by Lua; a lease is one key set
 * with `SET NX PX` (Redis drops it when its TTL passes, by the server's clock), its token comes
 * from a counter that never expires and is at least the server's time in ms (so tokens still
 * increase after a restart without persistence lost the counter), and renew, release and fenced puts are Lua scripts
 * that check and write in one step. Unlike the file store, an expired lease is gone at once: it
 * is neither listed nor renewable.
 *
 * Commands fail after at most about `connectTimeout` + one reconnect (5 s each) or
 * `commandTimeout` (15 s) with StoreUnavailableError naming the store without credentials; the
 * next operation connects again, so a job goes on once the server is back. While no operation
 * is in flight the connection does not keep the process alive, and after 10 s idle it is closed
 * (no reconnect loop runs for a store nobody uses): a script that forgets `close()` still exits.
 *
 * @example
 * const store = new RedisStore('redis://127.0.0.1:6379/0', { prefix: 'clicks' })
 */
export class RedisStore implements StateStore {
  private readonly settings: RedisSettings
  private readonly client: Redis
  private readonly p: string
  private lastConnectionError: string | undefined
  private pending = 0
  /** The check that the URL's database exists (see checkDb), once it was started. */
  private dbChecked: Promise<void> | undefined
  private idleTimer: NodeJS.Timeout | undefined
  private closed = false

  constructor(url: string, options?: RedisStoreOptions) {
    this.settings = parseRedisUrl(url, options)
    this.p = `${this.settings.prefix}:`
    // Loaded when a Redis store is opened: every process and worker thread imports oxiflow.
    const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis')
    this.client = new RedisClient(this.settings.connectUrl, {
      lazyConnect: true,
      connectTimeout: 5_000,
      commandTimeout: 15_000,
      // Queued commands fail after one reconnect attempt instead of waiting for the server forever.
      maxRetriesPerRequest: 1,
      // …but the client keeps reconnecting, so a job goes on once the server is back.
      retryStrategy: (times) => Math.min(times * 100, 2_000),
    })
    // Without a listener an 'error' event would crash the process; the last one explains a failure.
    this.client.on('error', (e: Error) => { this.lastConnectionError = e.message })
    this.client.on('ready', () => { this.lastConnectionError = undefined })
    this.client.on('connect', () => { if (this.pending === 0) this.socket()?.unref() })
    const scripts = { oxPut: [3, PUT], oxDelete: [2, DELETE], oxCas: [1, COMPARE_AND_SET], oxGrant: [3, GRANT], oxRenew: [1, RENEW], oxRelease: [2, RELEASE], oxLeases: [1, LEASES] } as const
    for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) this.client.defineCommand(name, { numberOfKeys, lua })
  }

  async put(key: string, bytes: Uint8Array, opts?: { readonly fence?: FenceToken }): Promise<void> {
    checkStoreKey(key)
    const fence = opts?.fence
    if (fence !== undefined) checkFenceToken(fence)
    await this.call(`put('${key}')`, async () => {
      const size = bytes.byteLength
      const chunkSize = this.settings.chunkSize
      let head: Buffer
      const chunkKeys: string[] = []
      if (size <= chunkSize) {
        head = inlineHead(bytes)
      } else {
        const id = randomUUID()
        const n = Math.ceil(size / chunkSize)
        for (let i = 0; i < n; i++) chunkKeys.push(`${this.p}c:${id}:${i}`)
        for (let first = 0; first < n; first += CHUNKS_PER_TRIP) {
          const trip = this.client.pipeline()
          for (let i = first; i < Math.min(n, first + CHUNKS_PER_TRIP); i++) {
            const start = i * chunkSize
            trip.set(chunkKeys[i]!, Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(chunkSize, size - start)), 'PX', CHUNK_TTL_MS)
          }
          for (const [e] of (await trip.exec()) ?? []) if (e) throw e
        }
        head = chunkedHead({ id, n, size })
      }
      const [status, detail] = await this.script('oxPut')(this.p + 'b:' + key, this.p + 'keys', `${this.p}t:${fence?.lease ?? ''}`,
        head, key, fence?.token ?? -1, `${this.p}c:`) as [number, number]
      if (status === 1) return
      if (chunkKeys.length > 0) await this.client.del(...chunkKeys).catch(() => undefined) // they would expire anyway; the refusal is what matters
      if (status === 0) throw new StaleFenceError(key, fence!.lease, fence!.token, detail)
      throw new StoreUnavailableError(this.settings.safeUrl, `chunk ${detail} expired before the blob's head was written (the put took over ` +
        `${CHUNK_TTL_MS / 60_000} minutes); retry it`, { operation: `put('${key}')` })
    })
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkStoreKey(key)
    return this.call(`get('${key}')`, async () => {
      // A put or delete may replace the chunks between reading the head and reading them: read again.
      for (let attempt = 0; ; attempt++) {
        const head = await this.client.getBuffer(this.p + 'b:' + key)
        if (head === null) return undefined
        const read = readHead(head)
        if (read === undefined) throw new DamagedBlobError(this.settings.safeUrl, key, `Redis key '${this.p}b:${key}' does not hold a blob head oxiflow writes`)
        if ('bytes' in read) return read.bytes
        const { id, n, size } = read.chunks
        const out = new Uint8Array(size)
        let at = 0
        for (let first = 0; first < n && at >= 0; first += CHUNKS_PER_TRIP) {
          const keys = Array.from({ length: Math.min(CHUNKS_PER_TRIP, n - first) }, (_, i) => `${this.p}c:${id}:${first + i}`)
          for (const chunk of await this.client.mgetBuffer(...keys)) {
            if (chunk === null || at + chunk.length > size) { at = -1; break }
            out.set(chunk, at)
            at += chunk.length
          }
        }
        if (at === size) return out
        if (attempt >= 5) throw new DamagedBlobError(this.settings.safeUrl, key, `its ${n} chunks '${this.p}c:${id}:*' are not all there, or longer than its ${size} bytes`)
      }
    })
  }

  async list(prefix: string): Promise<string[]> {
    checkStoreKey(prefix, 'prefix')
    // Keys are ASCII, so byte order is code-unit order, and U+00FF (bytes c3 bf) sorts after every key.
    return this.call(`list('${prefix}')`, () => prefix === ''
      ? this.client.zrangebylex(this.p + 'keys', '-', '+')
      : this.client.zrangebylex(this.p + 'keys', `[${prefix}`, `(${prefix}\u00ff`))
  }

  async delete(key: string): Promise<void> {
    checkStoreKey(key)
    await this.call(`delete('${key}')`, () => this.script('oxDelete')(this.p + 'b:' + key, this.p + 'keys', key, `${this.p}c:`))
  }

  async getRecord<T>(key: string): Promise<StoreRecord<T> | undefined> {
    checkStoreKey(key)
    const [v, j] = await this.call(`getRecord('${key}')`, () => this.client.hmget(this.p + 'r:' + key, 'v', 'j'))
    if (v === null || j === null) return undefined
    // Parsed here, not inside call(): a value that is not JSON is an unreadable record, not a server away.
    try {
      return { version: Number(v), value: JSON.parse(j) as T }
    } catch (e) {
      throw new CorruptRecordError(`record '${key}' of ${this.describe()}`, `not JSON (${(e as Error).message})`, Number(v))
    }
  }

  async compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean> {
    checkStoreKey(key)
    const json = JSON.stringify(value) ?? 'null'
    return this.call(`compareAndSet('${key}')`, async () => (await this.script('oxCas')(this.p + 'r:' + key, expectedVersion, json)) === 1)
  }

  async lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    checkStoreKey(name, 'lease name')
    checkLeaseRequest(name, owner, ttlMs)
    const mine = leaseOwnerRecord(owner)
    const ownerJson = JSON.stringify(mine)
    return this.call(`lease('${name}')`, async () => {
      // Read, decide here (only this host can probe its pids), then grant only if the lease is
      // still what was read; a change in between means deciding again.
      for (let attempt = 0; attempt < 20; attempt++) {
        const seen = await this.client.get(this.p + 'l:' + name)
        // Expiry is Redis's (PX, the server's clock): a lease it still has is not expired.
        if (!mayTakeLease(seen === null ? undefined : this.parseLease(seen, name), mine, Number.NEGATIVE_INFINITY)) return undefined
        const now = Date.now()
        const granted = await this.script('oxGrant')(this.p + 'l:' + name, this.p + 't:' + name, this.p + 'leases',
          seen ?? '', ownerJson, now, now + ttlMs, Math.max(1, Math.ceil(ttlMs)), name) as string | null
        if (granted !== null) return this.handle(name, this.parseLease(granted, name), ownerJson, ttlMs)
      }
      return undefined // others kept changing it: as good as held
    })
  }

  async leases(): Promise<LeaseInfo[]> {
    return this.call('leases()', async () => {
      const flat = await this.script('oxLeases')(this.p + 'leases', this.p + 'l:') as string[]
      const out: LeaseInfo[] = []
      for (let i = 0; i < flat.length; i += 2) {
        const r = this.parseLease(flat[i + 1]!, flat[i]!)
        if (r.owner) out.push({ name: flat[i]!, token: r.token, owner: r.owner, acquiredAt: r.acquiredAt, expiresAt: r.expiresAt })
      }
      return out
    })
  }

  describe(): string {
    return `redis store ${this.settings.safeUrl} (prefix ${this.settings.prefix})`
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.idleTimer)
    this.client.disconnect()
  }

  private handle(name: string, granted: LeaseRecord, ownerJson: string, ttlMs: number): Lease {
    const identity = `{"token":${granted.token},"owner":${ownerJson},`
    const px = Math.max(1, Math.ceil(ttlMs))
    let expiresAt = granted.expiresAt
    return {
      name, token: granted.token, owner: granted.owner!,
      get expiresAt() { return expiresAt },
      renew: () => this.call(`renew('${name}')`, async () => {
        const next = Date.now() + ttlMs
        if ((await this.script('oxRenew')(this.p + 'l:' + name, identity, next, px, granted.acquiredAt)) !== 1) return false
        expiresAt = next
        return true
      }),
      release: async () => {
        await this.call(`release('${name}')`, () => this.script('oxRelease')(this.p + 'l:' + name, this.p + 'leases', identity, name))
      },
    }
  }

  private parseLease(text: string, name: string): LeaseRecord {
    const v = JSON.parse(text) as LeaseRecord
    if (!(Number.isSafeInteger(v?.token) && typeof v.owner?.runner === 'string' && typeof v.acquiredAt === 'number' && typeof v.expiresAt === 'number')) {
      throw this.foreign(`lease('${name}')`, `${this.p}l:${name}`)
    }
    return v
  }

  private script(name: string): Script {
    return (this.client as unknown as Record<string, Script>)[name]!.bind(this.client)
  }

  private foreign(operation: string, redisKey: string): StoreUnavailableError {
    return new StoreUnavailableError(this.settings.safeUrl, `Redis key '${redisKey}' does not hold what oxiflow writes there (another program wrote ` +
      `it, or it was deleted halfway); delete it if no runner uses this store, or use another prefix`, { operation })
  }

  /**
   * Runs one operation: the socket is ref'd while any is in flight (a caller awaiting a reply
   * keeps the process up), unref'd when none is, and closed after IDLE_DISCONNECT_MS idle.
   */
  private async call<T>(operation: string, f: () => Promise<T>): Promise<T> {
    this.pending++
    clearTimeout(this.idleTimer)
    this.socket()?.ref()
    // Closed when idle (or by an earlier failure): connect again; commands wait in the offline queue meanwhile.
    if (this.client.status === 'end' && !this.closed) this.client.connect().catch(() => undefined) // the command reports the failure
    try {
      if (this.settings.db !== 0) await (this.dbChecked ??= this.checkDb())
      return await f()
    } catch (e) {
      throw storeFailure(this.settings.safeUrl, operation, e, this.lastConnectionError && `last connection error: ${this.lastConnectionError}`)
    } finally {
      if (--this.pending === 0) {
        this.socket()?.unref()
        this.idleTimer = setTimeout(() => { if (this.pending === 0) this.client.disconnect() }, IDLE_DISCONNECT_MS)
        this.idleTimer.unref()
      }
    }
  }

  /**
   * The database the URL names exists: ioredis selects it on connect, and when the server refuses
   * (`/99` of a server with 16) it only emits an error and goes on in database 0 — where another
   * environment's leases and checkpoints may be. Checked once, before the first command.
   */
  private async checkDb(): Promise<void> {
    try {
      await this.client.select(this.settings.db)
    } catch (e) {
      this.dbChecked = undefined
      if (/DB index|invalid DB|out of range/i.test((e as Error).message)) {
        throw new InvalidStoreUrlError(this.settings.safeUrl, 'the database', `${this.settings.db} is not one this server has (${(e as Error).message}); use one it has, e.g. /0`)
      }
      throw e
    }
  }

  /** ioredis's current socket (it makes a new one on each reconnect). */
  private socket(): Socket | undefined {
    return (this.client as unknown as { stream?: Socket }).stream
  }
}
