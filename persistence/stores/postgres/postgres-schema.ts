import type pg from 'pg'

/**
 * Creates the store's schema and tables when missing: `blobs` (bytea), `records` (jsonb with a
 * version) and `leases` (token, owner, expiry; a released lease keeps its row and token, so
 * tokens are never reused). Keys use the "C" collation: ordered by code unit, as `list` must
 * be, and prefix searches use the primary key's index. Runs under an advisory lock, as
 * concurrent `CREATE … IF NOT EXISTS` of one table can fail.
 *
 * @example
 * await createSchema(pool, 'oxiflow')
 */
export async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect()
  let failed = false
  try {
    await client.query('BEGIN')
    await client.query("SELECT pg_advisory_xact_lock(hashtext('oxiflow store schema'))")
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
