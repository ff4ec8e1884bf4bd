import { InvalidStoreUrlError } from '../invalid-store-url-error.ts'
import { maskCredentials } from '../mask-credentials.ts'
import { shown } from '../../shown.ts'

/**
 * Options of a Redis store beyond its URL (each may also be a query parameter of the URL:
 * `redis://host:6379/0?prefix=clicks&chunkSize=262144`; an option given here wins).
 *
 * @example
 * stores.redis('redis://127.0.0.1:6379/0', { prefix: 'test-42' })
 */
export interface RedisStoreOptions {
  /** Every key of the store starts with `<prefix>:` (default `oxiflow`), so several stores share one database. [A-Za-z0-9._~:-]+ */
  readonly prefix?: string
  /** Blobs larger than this many bytes are written in chunks of it (default 1 MiB, at least 1024). */
  readonly chunkSize?: number
}

/** A Redis store's settings, resolved from its URL and options. */
export interface RedisSettings {
  /** The URL handed to ioredis: the given one without oxiflow's own query parameters. */
  readonly connectUrl: string
  /** The URL for messages: credentials masked. */
  readonly safeUrl: string
  readonly prefix: string
  readonly chunkSize: number
  /** The database the URL names (`/2`), 0 when none. */
  readonly db: number
}

const PREFIX = /^[A-Za-z0-9._~:-]+$/
/** Measured: 1 MiB chunks keep each command short (a few ms) while a 64 MB blob needs only 64 round trips. */
const DEFAULT_CHUNK = 1 << 20

/**
 * Reads a `redis://` / `rediss://` URL and the options: the key prefix and the chunk size,
 * checked (InvalidStoreUrlError naming the parameter). The database number and credentials stay
 * in the URL for ioredis.
 *
 * @example
 * parseRedisUrl('redis://:pw@db:6379/2?prefix=t1').prefix // 't1'
 */
export function parseRedisUrl(url: string, options: RedisStoreOptions = {}): RedisSettings {
  const safeUrl = maskCredentials(url)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidStoreUrlError(safeUrl, 'the URL', "is not a URL; write redis://[user:password@]host[:port][/db][?prefix=P], e.g. redis://127.0.0.1:6379/0")
  }
  const prefix = options.prefix ?? parsed.searchParams.get('prefix') ?? 'oxiflow'
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new InvalidStoreUrlError(safeUrl, 'prefix', `must be a non-empty string of [A-Za-z0-9._~:-] (got ${shown(prefix)})`)
  }
  const chunkText = parsed.searchParams.get('chunkSize')
  const chunkSize = options.chunkSize ?? (chunkText === null ? DEFAULT_CHUNK : /^\d+$/.test(chunkText) ? Number(chunkText) : Number.NaN)
  if (!(Number.isSafeInteger(chunkSize) && chunkSize >= 1024)) {
    throw new InvalidStoreUrlError(safeUrl, 'chunkSize', `must be an integer number of bytes ≥ 1024 (got ${shown(chunkText !== null && options.chunkSize === undefined ? chunkText : chunkSize)})`)
  }
  const dbText = parsed.pathname.replace(/^\//, '')
  if (!/^\d*$/.test(dbText)) {
    throw new InvalidStoreUrlError(safeUrl, 'the database', `must be a number after the host, e.g. redis://127.0.0.1:6379/0 (got ${shown(dbText)})`)
  }
  parsed.searchParams.delete('prefix')
  parsed.searchParams.delete('chunkSize')
  return { connectUrl: parsed.href, safeUrl: maskCredentials(parsed.href), prefix, chunkSize, db: Number(dbText || 0) }
}
