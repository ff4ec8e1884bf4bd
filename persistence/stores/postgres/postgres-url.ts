import { InvalidStoreUrlError } from '../invalid-store-url-error.ts'
import { maskCredentials } from '../mask-credentials.ts'
import { shown } from '../../shown.ts'

/**
 * Options of a PostgreSQL store beyond its URL (each may also be a query parameter:
 * `postgres://db/app?schema=clicks&poolSize=4`; an option given here wins).
 *
 * @example
 * stores.postgres('postgres://localhost/test', { schema: 'test_42' })
 */
export interface PostgresStoreOptions {
  /** The schema holding the store's tables (default `oxiflow`), created on first use. [a-z_][a-z0-9_]*, at most 63 characters. */
  readonly schema?: string
  /** Connections in the pool (default 10). */
  readonly poolSize?: number
}

/** A PostgreSQL store's settings, resolved from its URL and options. */
export interface PostgresSettings {
  /** The URL handed to pg: the given one without oxiflow's own query parameters. */
  readonly connectUrl: string
  /** The URL for messages: credentials masked. */
  readonly safeUrl: string
  readonly schema: string
  readonly poolSize: number
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Reads a `postgres://` / `postgresql://` URL and the options: schema and pool size, checked
 * (InvalidStoreUrlError naming the parameter). Credentials, host, database and pg's own
 * parameters (sslmode, …) stay in the URL for pg.
 *
 * @example
 * parsePostgresUrl('postgres://u:pw@db/app?schema=clicks').schema // 'clicks'
 */
export function parsePostgresUrl(url: string, options: PostgresStoreOptions = {}): PostgresSettings {
  const safeUrl = maskCredentials(url)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidStoreUrlError(safeUrl, 'the URL', 'is not a URL; write postgres://[user[:password]@]host[:port]/database[?schema=S], e.g. postgres://localhost/test')
  }
  const schema = options.schema ?? parsed.searchParams.get('schema') ?? 'oxiflow'
  if (typeof schema !== 'string' || !SCHEMA.test(schema)) {
    throw new InvalidStoreUrlError(safeUrl, 'schema', `must match [a-z_][a-z0-9_]* with at most 63 characters (got ${shown(schema)})`)
  }
  const poolText = parsed.searchParams.get('poolSize')
  const poolSize = options.poolSize ?? (poolText === null ? 10 : /^\d+$/.test(poolText) ? Number(poolText) : Number.NaN)
  if (!(Number.isSafeInteger(poolSize) && poolSize >= 1)) {
    throw new InvalidStoreUrlError(safeUrl, 'poolSize', `must be a positive integer (got ${shown(poolText !== null && options.poolSize === undefined ? poolText : poolSize)})`)
  }
  parsed.searchParams.delete('schema')
  parsed.searchParams.delete('poolSize')
  return { connectUrl: parsed.href, safeUrl: maskCredentials(parsed.href), schema, poolSize }
}
