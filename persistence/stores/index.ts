/**
 * The stores (`stores` in the public API): where checkpoints, run records and leases live.
 *
 * @example
 * p.run({ store: stores.file('.oxiflow'), checkpointInterval: 1000 })
 */
import { FileStore } from './file-store.ts'
import { MemoryStore } from './memory-store.ts'
import { openStore } from './open-store.ts'
import { PostgresStore } from './postgres-store.ts'
import type { PostgresStoreOptions } from './postgres/postgres-url.ts'
import { RedisStore } from './redis-store.ts'
import type { RedisStoreOptions } from './redis/redis-url.ts'
import type { StateStore } from './state-store.ts'

export type { StateStore, StoreRecord, Lease, LeaseInfo, LeaseOwner, FenceToken } from './state-store.ts'
export type { RedisStoreOptions } from './redis/redis-url.ts'
export type { PostgresStoreOptions } from './postgres/postgres-url.ts'

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
 * The Redis store at `url` (ioredis; `redis://[user:password@]host:port/db`, `rediss://` for
 * TLS): for runners on several machines. Keys start with `options.prefix` (or `?prefix=`,
 * default `oxiflow`); connects on first use.
 *
 * @example
 * const store = stores.redis('redis://127.0.0.1:6379/0', { prefix: 'clicks' })
 */
export function redis(url: string, options?: RedisStoreOptions): StateStore {
  return new RedisStore(url, options)
}

/**
 * The PostgreSQL store at `url` (pg pool; `postgres://[user[:password]@]host[:port]/database`):
 * for runners on several machines. Its tables live in `options.schema` (or `?schema=`, default
 * `oxiflow`), created on first use.
 *
 * @example
 * const store = stores.postgres('postgres://localhost/test', { schema: 'clicks' })
 */
export function postgres(url: string, options?: PostgresStoreOptions): StateStore {
  return new PostgresStore(url, options)
}

/**
 * Opens a store by URL or path; without one, `OXIFLOW_STORE` or `.oxiflow`. See openStore.
 *
 * @example
 * const store = stores.open(process.argv[2]) // '.oxiflow', 'memory:', 'file:///srv/x', 'redis://db:6379/0', 'postgres://db/app'
 */
export function open(urlOrPath: string = process.env.OXIFLOW_STORE ?? '.oxiflow'): StateStore {
  return openStore(urlOrPath)
}
