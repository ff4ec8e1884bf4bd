import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidStoreUrlError } from '../../persistence/stores/invalid-store-url-error.ts'
import { StoreUnavailableError } from '../../persistence/stores/store-unavailable-error.ts'
import { checkpoints } from '../../persistence/checkpoints-api.ts'
import { open as openFromEnv, postgres, redis } from '../../persistence/stores/index.ts'
import { openStore } from '../../persistence/stores/open-store.ts'
import { PostgresStore } from '../../persistence/stores/postgres-store.ts'
import { RedisStore } from '../../persistence/stores/redis-store.ts'
import { POSTGRES_URL, REDIS_URL, countRedisKeys, dropPostgresSchema, dropRedisPrefix, freePort, uniqueName } from '../fixtures/store-servers.ts'
import { cliInProcess, runCli } from './run-cli.ts'

test('openStore_sharedStoreUrls_openTheRightStoreAndDescribeWithoutCredentials', async (t) => {
  const cases: Array<[url: string, kind: typeof RedisStore | typeof PostgresStore, secrets: string[], described: string]> = [
    ['redis://user:secret@host/0', RedisStore, ['secret'], 'redis store redis://***@host/0 (prefix oxiflow)'],
    ['rediss://:secret@host:6380?prefix=p1', RedisStore, ['secret'], 'redis store rediss://***@host:6380 (prefix p1)'],
    ['redis://user:se@cret@host/0', RedisStore, ['se@cret', 'cret'], 'redis store redis://***@host/0 (prefix oxiflow)'],
    ['postgres://admin:secret@db.example.com:5432/oxiflow?schema=runs', PostgresStore, ['secret'], 'postgres store postgres://***@db.example.com:5432/oxiflow (schema runs)'],
    ['postgresql://admin@db.example.com/oxiflow?password=secret&sslmode=require', PostgresStore, ['secret'],
      'postgres store postgresql://***@db.example.com/oxiflow?password=***&sslmode=require (schema oxiflow)'],
  ]
  for (const [url, kind, secrets, described] of cases) {
    const store = openStore(url) // connects on first use: nothing is reached here
    t.true(store instanceof kind, url)
    t.is(store.describe(), described)
    for (const secret of secrets) t.false(store.describe().includes(secret), store.describe())
    await store.close()
  }
})

test('storeUrl_badParameters_refusedNamingParameterAndRule', (t) => {
  const cases: Array<[() => unknown, string]> = [
    [() => openStore('redis://h/0?prefix=a%20b'), `store URL 'redis://h/0?prefix=a%20b': prefix must be a non-empty string of [A-Za-z0-9._~:-] (got "a b")`],
    [() => redis('redis://u:pw@h/0', { chunkSize: 10 }), `store URL 'redis://***@h/0': chunkSize must be an integer number of bytes ≥ 1024 (got 10)`],
    [() => openStore('redis://h/0?chunkSize=1k'), `store URL 'redis://h/0?chunkSize=1k': chunkSize must be an integer number of bytes ≥ 1024 (got "1k")`],
    [() => openStore('postgres://h/db?schema=Bad-Name'), `store URL 'postgres://h/db?schema=Bad-Name': schema must match [a-z_][a-z0-9_]* with at most 63 characters (got "Bad-Name")`],
    [() => postgres('postgres://h/db', { poolSize: 0 }), `store URL 'postgres://h/db': poolSize must be a positive integer (got 0)`],
  ]
  for (const [open, message] of cases) t.throws(open, { instanceOf: InvalidStoreUrlError, message })
})

test('storesOpen_withoutArgument_usesOXIFLOW_STORE', async (t) => {
  const before = process.env.OXIFLOW_STORE
  t.teardown(() => { if (before === undefined) delete process.env.OXIFLOW_STORE; else process.env.OXIFLOW_STORE = before })
  process.env.OXIFLOW_STORE = 'redis://127.0.0.1:6379/0?prefix=from-env'
  const store = openFromEnv()
  t.is(store.describe(), 'redis store redis://127.0.0.1:6379/0 (prefix from-env)')
  await store.close()
})

for (const [kind, url] of [['redis', 'redis://user:hunter2@127.0.0.1:PORT/0'], ['postgres', 'postgres://user:hunter2@127.0.0.1:PORT/test']] as const) {
  test(`${kind}Store_serverUnreachable_operationsFailWithStoreUnavailableErrorWithoutCredentials`, async (t) => {
    const port = await freePort()
    const store = openStore(url.replace('PORT', String(port)))
    t.teardown(() => store.close())
    for (const [operation, call] of [["put('a/b')", () => store.put('a/b', new Uint8Array([1]))], ["compareAndSet('r')", () => store.compareAndSet('r', 0, 1)],
      ["lease('l')", () => store.lease('l', { runner: 'r', host: 'h', pid: 1 }, 1000)]] as const) {
      const error = await t.throwsAsync(call(), { instanceOf: StoreUnavailableError })
      t.is(error!.operation, operation)
      t.true(error!.message.startsWith(`store '${kind}://***@127.0.0.1:${port}/${kind === 'redis' ? '0' : 'test'}' failed ${operation}: `), error!.message)
      t.regex(error!.message, /ECONNREFUSED/)
      t.regex(error!.message, /check that the server runs and is reachable/)
      t.false(error!.message.includes('hunter2'))
    }
  })
}

for (const kind of ['redis', 'postgres'] as const) {
  test(`cli_runWithSharedStoreUrl_checkpointsThereAndRestoresFromThem (${kind})`, async (t) => {
    t.timeout(120_000)
    const name = uniqueName('cli')
    const url = kind === 'redis' ? `${REDIS_URL}?prefix=${name}` : `${POSTGRES_URL}?schema=${name}`
    t.teardown(() => kind === 'redis' ? dropRedisPrefix(name) : dropPostgresSchema(name))
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-store-url-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const params = JSON.stringify({ out: join(dir, 'out.jsonl'), count: 3000, rate: 20_000 })
    // The store comes from OXIFLOW_STORE here: the same as --store.
    const first = await runCli(['run', 'test/fixtures/cli/checkpointed.ts', '--checkpoint-interval', '30', '--json', '--params', params], { OXIFLOW_STORE: url })
    t.is(first.code, 0, first.stderr)
    const summary = JSON.parse(first.stdout) as { checkpoints: { completed: number; failed: number } }
    t.true(summary.checkpoints.completed >= 1, first.stdout)
    t.is(summary.checkpoints.failed, 0)
    const store = openStore(url)
    t.teardown(() => store.close())
    const listed = await checkpoints(store, 'cli-checkpointed').list()
    t.true(listed.length >= 1 && listed.every((c) => c.ok), JSON.stringify(listed))
    const lines = (await readFile(join(dir, 'out.jsonl'), 'utf8')).trim().split('\n')
    t.is(lines.length, 3000, 'one running total per record, each once')
    const again = await cliInProcess(['run', 'test/fixtures/cli/checkpointed.ts', '--store', url, '--restore', 'latest', '--params', params])
    t.is(again.code, 0, again.stderr)
    t.regex(again.stderr, new RegExp(`restored pipeline 'cli-checkpointed' from checkpoint ${listed[0]!.id}`))
  })
}

test('cli_unreachableStoreWithPassword_failsWithoutPrintingIt', async (t) => {
  t.timeout(60_000)
  const port = await freePort()
  const r = await cliInProcess(['run', 'test/fixtures/cli/checkpointed.ts', '--store', `redis://admin:hunter2@127.0.0.1:${port}/0`, '--json',
    '--params', JSON.stringify({ out: join(tmpdir(), `never-${port}.jsonl`), count: 10 })])
  t.is(r.code, 1)
  t.false(r.stderr.includes('hunter2') || r.stdout.includes('hunter2'), r.stderr)
  t.regex(r.stderr, new RegExp(`redis://\\*\\*\\*@127\\.0\\.0\\.1:${port}/0`))
  t.is((JSON.parse(r.stdout) as { error: { name: string } }).error.name, 'StoreUnavailableError')
})

test('a PostgreSQL store whose database does not exist, or whose user the server refuses, is a bad store value (exit 2), not an outage to wait out', async (t) => {
  t.timeout(60_000)
  const missingDb = new URL(POSTGRES_URL)
  missingDb.pathname = `/oxiflow_no_such_db_${process.pid}`
  const badUser = new URL(POSTGRES_URL)
  badUser.username = `oxiflow_no_such_user_${process.pid}`
  badUser.password = 'hunter2'
  for (const [url, rule] of [[missingDb.href, /the database does not exist on the server \(database "oxiflow_no_such_db_\d+" does not exist\); create it/],
    [badUser.href, /the credentials are refused by the server \(.+\); give a user and password it accepts/]] as const) {
    const store = openStore(url)
    await t.throwsAsync(store.list('x/'), { instanceOf: InvalidStoreUrlError, message: rule })
    await store.close()
    const r = await cliInProcess(['checkpoints', 'list', 'p', '--store', url])
    t.is(r.code, 2, r.stderr)
    t.false(r.stderr.includes('hunter2'), r.stderr)
    t.false(r.stderr.includes('check that the server runs'), r.stderr)
  }
})

test('redis_aDatabaseTheServerLacks_refusedBeforeAnyWrite_notWrittenIntoDatabase0', async (t) => {
  // ioredis selects the URL's database on connect and, refused, only emits an error: the
  // commands then ran in database 0, where another environment's leases and checkpoints may be.
  const prefix = uniqueName('missing-db')
  t.teardown(() => dropRedisPrefix(prefix))
  const base = new URL(REDIS_URL)
  const store = redis(`redis://${base.host}/99?prefix=${prefix}`)
  t.teardown(() => store.close())
  const e = await t.throwsAsync(store.put('k', new Uint8Array([1])), { instanceOf: InvalidStoreUrlError })
  t.regex(e!.message, /the database 99 is not one this server has \(ERR DB index is out of range\); use one it has, e\.g\. \/0$/)
  t.is(await countRedisKeys(prefix), 0, 'nothing was written into database 0')
  t.throws(() => openStore('redis://h/x'), { instanceOf: InvalidStoreUrlError, message: `store URL 'redis://h/x': the database must be a number after the host, e.g. redis://127.0.0.1:6379/0 (got "x")` })
})
