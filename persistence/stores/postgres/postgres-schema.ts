import type pg from 'pg'

/**
 * Creates the store's schema and tables when missing: `blobs` (bytea), `records` (jsonb with a
 * version) and `leases` (token, owner, expiry; a released lease keeps its row and token, so
 * tokens are never reused). Keys use the "C" collation: ordered by code unit, as `list` must
 * be, and prefix searches use the primary key's index. A schema already set up is seen from the
 * catalog alone, which takes no lock on the tables: a store whose table another session locks
 * (a long VACUUM, a LOCK TABLE) does not hold up opening any other. Only the creation runs
 * under an advisory lock, one per schema, as concurrent `CREATE … IF NOT EXISTS` of one table
 * can fail.
 *
 * @example
 * await createSchema(pool, 'oxiflow')
 */
export async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (await isSetUp(pool, schema)) return
  const client = await pool.connect()
  let failed = false
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oxiflow store schema ${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".blobs (key text COLLATE "C" PRIMARY KEY, bytes bytea NOT NULL)`)
    // Snapshots come compressed by their codec: no second compression (TOAST's pglz) on the way in,
    // and slices (substring) of an uncompressed value are read without decompressing it all.
    await client.query(`ALTER TABLE "${schema}".blobs ALTER COLUMN bytes SET STORAGE EXTERNAL`)
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".records (key text COLLATE "C" PRIMARY KEY, version bigint NOT NULL, value jsonb NOT NULL)`)
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".leases (name text COLLATE "C" PRIMARY KEY, token bigint NOT NULL, ` +
      'owner jsonb, acquired_at double precision NOT NULL, expires_at double precision NOT NULL)')
    await client.query('COMMIT')
  } catch (e) {
    failed = true
    await client.query('ROLLBACK').catch(() => undefined) // the connection may be the problem; the first error is the one to report
    throw e
  } finally {
    client.release(failed) // a connection that failed is closed, not reused
  }
}

/** Whether the schema's three tables exist, `blobs.bytes` stored uncompressed (EXTERNAL), from the catalog. */
async function isSetUp(pool: pg.Pool, schema: string): Promise<boolean> {
  const { rows } = await pool.query<{ relname: string; attstorage: string | null }>(
    'SELECT c.relname, a.attstorage FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ' +
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'bytes' AND NOT a.attisdropped " +
    "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname IN ('blobs', 'records', 'leases')", [schema])
  return rows.length === 3 && rows.some((r) => r.relname === 'blobs' && r.attstorage === 'e')
}
