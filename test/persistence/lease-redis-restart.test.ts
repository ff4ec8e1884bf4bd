// A Redis restarted without persistence forgets every key, the lease token counter included.
// Tokens must still increase (a counter starting at 1 again granted a newer runner a token
// lower than the fence a stale runner still wrote with, so the stale runner's writes passed),
// and the runner whose lease vanished must be told that, not that another runner holds it.
import test from 'ava'
import { RedisStore } from '../../persistence/stores/redis-store.ts'
import { RunnerLease } from '../../runtime/checkpoint/runner-lease.ts'
import type { LeaseLostError } from '../../runtime/checkpoint/lease-lost-error.ts'
import { freePort, killAndWait, startPrivateRedis } from '../fixtures/store-servers.ts'

const other = (runner: string) => ({ runner, host: 'elsewhere', pid: 4242 })

test('lease_redisRestartedWithoutPersistence: a new grant outranks the old fence, which is refused', async (t) => {
  t.timeout(30_000)
  const port = await freePort()
  let server = await startPrivateRedis(port)
  t.teardown(() => killAndWait(server))
  const store = new RedisStore(`redis://127.0.0.1:${port}/0`)
  t.teardown(() => store.close())
  const name = 'pipelines/fenced/lease'
  const a = await store.lease(name, other('a'), 60_000)
  t.truthy(a)
  await store.put('pipelines/fenced/x', new Uint8Array([1]), { fence: { lease: name, token: a!.token } })
  await killAndWait(server)
  server = await startPrivateRedis(port)
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
  let server = await startPrivateRedis(port)
  t.teardown(() => killAndWait(server))
  const store = new RedisStore(`redis://127.0.0.1:${port}/0`)
  t.teardown(() => store.close())
  let lost: (e: LeaseLostError) => void = () => {}
  const told = new Promise<LeaseLostError>((resolve) => { lost = resolve })
  const lease = await RunnerLease.acquire(store, 'vanished', (e) => lost(e))
  t.teardown(() => lease.release().catch(() => undefined))
  await killAndWait(server)
  server = await startPrivateRedis(port)
  const e = await told // at the next renewal, within 5 s
  t.is(e.code, 'ERR_LEASE_LOST')
  t.regex(e.message, /gone from the store and no runner holds it: .*a Redis server restarted without persistence/)
  t.notRegex(e.message, /another runner holds it/)
})
