// Opening a PostgreSQL store looks its schema up in the catalog and runs DDL only to create it,
// under an advisory lock of that schema alone: a table of one store locked by another session
// (LOCK TABLE, a long VACUUM) held up opening every store of the server, whatever its schema,
// for as long as the lock (found from outside: 9.4 s instead of 0.5 s).
import test from 'ava'
import pg from 'pg'
import { PostgresStore } from '../../persistence/stores/postgres-store.ts'
import { POSTGRES_URL, dropPostgresSchema, uniqueName } from '../fixtures/store-servers.ts'

test('a locked table of one store does not hold up opening a store of another schema, set up already or new', async (t) => {
  t.timeout(30_000)
  const [locked, other, fresh] = [uniqueName('lockeda'), uniqueName('lockedb'), uniqueName('lockedc')]
  t.teardown(async () => { for (const s of [locked, other, fresh]) await dropPostgresSchema(s) })
  for (const schema of [locked, other]) {
    const store = new PostgresStore(POSTGRES_URL, { schema })
    await store.put('k', new Uint8Array([1]))
    await store.close()
  }
  const locker = new pg.Client({ connectionString: POSTGRES_URL })
  await locker.connect()
  t.teardown(() => locker.end())
  await locker.query('BEGIN')
  await locker.query(`LOCK TABLE "${locked}".blobs IN ACCESS EXCLUSIVE MODE`)
  const waiting = new PostgresStore(POSTGRES_URL, { schema: locked })
  const held = waiting.get('k') // waits for the lock, as it must
  await new Promise((r) => setTimeout(r, 500))
  for (const schema of [other, fresh]) {
    const store = new PostgresStore(POSTGRES_URL, { schema })
    const started = Date.now()
    await store.put('k2', new Uint8Array([2]))
    t.deepEqual(await store.list(''), schema === other ? ['k', 'k2'] : ['k2'])
    const ms = Date.now() - started
    await store.close()
    t.true(ms < 3_000, `schema ${schema === other ? 'set up already' : 'new'}: ${ms} ms while another schema's table was locked`)
  }
  await locker.query('COMMIT')
  t.deepEqual(await held, new Uint8Array([1]))
  await waiting.close()
})
