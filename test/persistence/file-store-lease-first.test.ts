import test from 'ava'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { withLockFile } from '../../persistence/stores/lock-file.ts'
import { SectionQueue } from '../../persistence/stores/section-queue.ts'

// A lease renewal on the file store waited behind every fenced put queued before it (one FIFO
// of lock sections): a checkpoint of many blobs, several partitions' at once, and under load a
// renewal outlived the TTL — another runner took a partition over from a live one. Lease
// sections now go before waiting puts.

test('SectionQueue: one section at a time, in order, urgent ones before every waiting one', async (t) => {
  const q = new SectionQueue()
  const log: string[] = []
  let inside = 0
  const section = (name: string) => async () => {
    inside++
    t.is(inside, 1, `${name} ran beside another section`)
    await sleep(1)
    log.push(name)
    inside--
    return name
  }
  const done = [q.run(section('a')), q.run(section('b')), q.run(section('c')), q.run(section('u1'), true), q.run(section('u2'), true)]
  t.deepEqual(await Promise.all(done), ['a', 'b', 'c', 'u1', 'u2'])
  t.deepEqual(log, ['a', 'u1', 'u2', 'b', 'c'])
  // A section that throws or rejects passes its error on and lets the next one run.
  await t.throwsAsync(q.run(() => { throw new Error('sync') }), { message: 'sync' })
  await t.throwsAsync(q.run(() => Promise.reject(new Error('async'))), { message: 'async' })
  t.is(await q.run(async () => 'after'), 'after')
})

test('file store: a lease renewal goes before the fenced puts waiting for the lock', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-lease-first-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = new FileStore(dir)
  const lease = (await store.lease('pipelines/p/lease', { runner: 'r', host: hostname(), pid: process.pid }, 15_000))!
  const fence = { lease: lease.name, token: lease.token }
  const order: string[] = []
  const PUTS = 20
  let releaseLock!: () => void
  const held = new Promise<void>((resolve) => { releaseLock = resolve })
  // Another section holds the store's lock (as another process would) while the puts queue up.
  const holder = withLockFile(join(dir, '.lock'), () => held)
  await sleep(20)
  const puts = Array.from({ length: PUTS }, (_, i) => store.put(`pipelines/p/checkpoints/0000000001/s${i}.blob`, new Uint8Array([i]), { fence }).then(() => order.push(`put${i}`)))
  // Every put has written its temp file and waits for the lock: one in its section, the rest in the queue.
  const deadline = Date.now() + 20_000
  while ((await readdir(join(dir, 'tmp'))).length < PUTS) {
    if (Date.now() > deadline) return t.fail(`the puts did not write their temp files in 20 s: ${(await readdir(join(dir, 'tmp'))).length} of ${PUTS}`)
    await sleep(5)
  }
  await sleep(20)
  const renewed = lease.renew().then((ok) => { order.push('renew'); return ok })
  releaseLock()
  await holder
  t.true(await renewed)
  await Promise.all(puts)
  t.true(order.indexOf('renew') <= 1, `the renewal finished after ${order.indexOf('renew')} puts: ${order.join(' ')}`)
  t.deepEqual((await store.list('pipelines/p/checkpoints/')).length, PUTS)
})
