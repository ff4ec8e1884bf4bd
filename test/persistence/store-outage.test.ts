import test, { type ExecutionContext } from 'ava'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { outageFailsJob, outageRecovered, type Outage } from '../fixtures/store-outage-run.ts'
import { TcpProxy, dropPostgresSchema, freePort, killAndWait, startPrivateRedis, uniqueName } from '../fixtures/store-servers.ts'

/** A redis-server of the test's own (the shared one is never stopped), SIGKILLed and restarted on the same port and files. */
async function privateRedis(t: ExecutionContext): Promise<Outage> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-redis-'))
  let server: ChildProcess = await startPrivateRedis(port, dir)
  t.teardown(async () => { await killAndWait(server); await rm(dir, { recursive: true, force: true }) })
  return {
    url: `redis://127.0.0.1:${port}/0?prefix=outage`,
    shownAs: `redis://127.0.0.1:${port}/0`,
    down: () => killAndWait(server),
    up: async () => { server = await startPrivateRedis(port, dir) },
  }
}

/** The shared PostgreSQL behind a proxy the test cuts (the server itself is never stopped). */
async function cutPostgres(t: ExecutionContext): Promise<Outage> {
  const proxy = await TcpProxy.start('127.0.0.1', 5432)
  const schema = uniqueName('outage')
  t.teardown(async () => { await proxy.close(); await dropPostgresSchema(schema) })
  return {
    url: `postgres://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`,
    shownAs: `postgres://***@127.0.0.1:${proxy.port}/test`,
    down: async () => proxy.cut(),
    up: async () => proxy.restore(),
  }
}

test.serial('redis server killed during a run: failed checkpoints counted, job goes on, recovers when it returns, output exactly once', async (t) => {
  t.timeout(120_000)
  await outageRecovered(t, await privateRedis(t))
})

test.serial("redis server killed, onCheckpointFailure 'fail': the job fails with StoreUnavailableError", async (t) => {
  t.timeout(60_000)
  await outageFailsJob(t, await privateRedis(t))
})

test.serial('postgres connection cut during a run: failed checkpoints counted, job goes on, recovers when it returns, output exactly once', async (t) => {
  t.timeout(120_000)
  await outageRecovered(t, await cutPostgres(t))
})

test.serial("postgres connection cut, onCheckpointFailure 'fail': the job fails with StoreUnavailableError", async (t) => {
  t.timeout(60_000)
  await outageFailsJob(t, await cutPostgres(t))
})
