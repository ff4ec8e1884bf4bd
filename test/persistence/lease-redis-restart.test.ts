// A Redis restarted without persistence forgets every key, the lease token counter included.
// Tokens must still increase (a counter starting at 1 again granted a newer runner a token
// lower than the fence a stale runner still wrote with, so the stale runner's writes passed),
// and the runner whose lease vanished must be told that, not that another runner holds it.
import test from 'ava'
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { RedisStore } from '../../persistence/stores/redis-store.ts'
import { RunnerLease } from '../../runtime/checkpoint/runner-lease.ts'
import type { LeaseLostError } from '../../runtime/errors/lease-lost-error.ts'
import { freePort, killAndWait } from '../fixtures/store-servers.ts'

/** A redis-server of the test's own with no persistence at all (as a cache-configured server). */
async function volatileRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const client = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    client.on('error', () => {})
    try {
      if ((await client.ping()) === 'PONG') return child
    } catch { /* not up yet */ } finally {
      client.disconnect()
    }
    await sleep(50)
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server on port ${port} did not start in 5 s`)
}

const other = (runner: string) => ({ runner, host: 'elsewhere', pid: 4242 })

test('lease_redisRestartedWithoutPersistence: a new grant outranks the old fence, which is refused', async (t) => {
  t.timeout(30_000)
  const port = await freePort()
  let server = await volatileRedis(port)
  t.teardown(() => killAndWait(server))
  const store = new RedisStore(`redis://127.0.0.1:${port}/0`)
  t.teardown(() => store.close())
  const name = 'pipelines/fenced/lease'
  const a = await store.lease(name, other('a'), 60_000)
  t.truthy(a)
  await store.put('pipelines/fenced/x', new Uint8Array([1]), { fence: { lease: name, token: a!.token } })
  await killAndWait(server)
  server = await volatileRedis(port)
  const b = await store.lease(name, other('b'), 60_000)
  t.truthy(b, 'the lease is free after the restart')
  t.true(b!.token > a!.token, `the new token ${b!.token} outranks the old ${a!.token}`)
  await t.throwsAsync(store.put('pipelines/fenced/x', new Uint8Array([2]), { fence: { lease: name, token: a!.token } }), { code: 'ERR_STALE_FENCE' })
  await store.put('pipelines/fenced/x', new Uint8Array([3]), { fence: { lease: name, token: b!.token } })
  t.deepEqual([...(await store.get('pipelines/fenced/x'))!], [3])
  t.false(await a!.renew(), 'the stale grant cannot renew')
})

test('a runner whose lease vanished in a Redis restart is told so, not that another runner holds it', async (t) => {
  t.timeout(30_000)
  const port = await freePort()
  let server = await volatileRedis(port)
  t.teardown(() => killAndWait(server))
  const store = new RedisStore(`redis://127.0.0.1:${port}/0`)
  t.teardown(() => store.close())
  let lost: (e: LeaseLostError) => void = () => {}
  const told = new Promise<LeaseLostError>((resolve) => { lost = resolve })
  const lease = await RunnerLease.acquire(store, 'vanished', (e) => lost(e))
  t.teardown(() => lease.release().catch(() => undefined))
  await killAndWait(server)
  server = await volatileRedis(port)
  const e = await told // at the next renewal, within 5 s
  t.is(e.code, 'ERR_LEASE_LOST')
  t.regex(e.message, /gone from the store and no runner holds it: .*a Redis server restarted without persistence/)
  t.notRegex(e.message, /another runner holds it/)
})
