// Processes of one host in different PID namespaces (two containers of one pod, or containers run
// with `--network host`, sharing a hostname and a volume with the file store) cannot see each
// other's pids: a pid one records names another process, or none, in the other's /proc. A lease
// or lock holder of another PID namespace is judged like one of another host: only its TTL (a
// lock: 30 s) frees it. Before, a runner took the lease of a live runner in another container at
// once ("its pid is dead" or "another process now") and broke its store lock: both ran the same
// partitions. And a process whose lock was broken removed the lock its breaker had taken since.
import test, { type ExecutionContext } from 'ava'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { leaseHolderGone } from '../../persistence/stores/lease-holder.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { withLockFile } from '../../persistence/stores/lock-file.ts'
import { isStaleLock, parseLockOwner } from '../../persistence/stores/lock-owner.ts'
import type { LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'

/** This process's PID namespace, read here from /proc. */
const ourNs = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))![1]!
const otherNs = String(Number(ourNs) + 1)
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()

/** A pid no process of this namespace has now (the other namespace's runner, seen from here). */
function deadPid(): number {
  const r = spawnSync('true')
  return r.pid!
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-pidns-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const stores: Record<string, (t: ExecutionContext) => Promise<StateStore>> = {
  memory: async () => new MemoryStore(),
  file: async (t) => new FileStore(await tempDir(t)),
}

for (const [kind, make] of Object.entries(stores)) {
  test(`${kind}: a lease held on this host from another PID namespace is kept until its TTL, whatever its pid is here`, async (t) => {
    const store = await make(t)
    t.teardown(() => store.close())
    const pid = deadPid()
    const theirs: LeaseOwner = { runner: 'container-b', host: hostname(), pid, start: `${bootId}/1`, pidns: otherNs }
    t.truthy(await store.lease('pipelines/p/lease', theirs, 60_000))
    t.is(leaseHolderGone(theirs), undefined)
    const mine: LeaseOwner = { runner: 'container-a', host: hostname(), pid: process.pid, pidns: ourNs }
    t.is(await store.lease('pipelines/p/lease', mine, 60_000), undefined, 'not taken: its holder cannot be probed from here')
    t.deepEqual((await store.leases()).map((l) => l.owner.pidns), [otherNs], 'the namespace is recorded')
    // The same holder in our namespace: its pid is dead, so its lease is taken at once (as before).
    t.truthy(await store.lease('pipelines/q/lease', { ...theirs, pidns: ourNs }, 60_000))
    t.truthy(await store.lease('pipelines/q/lease', mine, 60_000))
  })
}

test('a store lock of another PID namespace ages out like another host\'s: not broken while young', (t) => {
  const pid = deadPid()
  const lock = parseLockOwner(`${hostname()} ${pid} ${bootId}/1 0 9f2c0d1e ${otherNs}`)
  t.is(lock?.pidns, otherNs)
  t.false(isStaleLock(lock, 1_000, () => false))
  t.true(isStaleLock(lock, 31_000, () => false))
  t.true(isStaleLock(parseLockOwner(`${hostname()} ${pid} ${bootId}/1 0 9f2c0d1e ${ourNs}`), 1_000, () => false), 'ours: its dead pid frees it at once')
  t.true(isStaleLock(parseLockOwner(`${hostname()} ${pid} ${bootId}/1 0 9f2c0d1e`), 1_000, () => false), 'an earlier version\'s lock: judged by its pid')
})

test('a holder whose lock was broken and taken by another leaves the new holder\'s lock in place', async (t) => {
  const path = join(await tempDir(t), '.lock')
  const theirs = `${hostname()} 1 - 0 feedfacecafe ${otherNs}`
  await withLockFile(path, async () => {
    // Meanwhile another process judged our lock stale, removed it and took the lock.
    await unlink(path)
    await writeFile(path, theirs)
  })
  t.is(await readFile(path, 'utf8'), theirs)
})

test('a runner in its own PID namespace (unshare) holds its file-store lease against a runner here', async (t) => {
  t.timeout(60_000)
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'true'])
  if (probe.error !== undefined || probe.status !== 0) {
    t.log(`no PID namespace can be made here (${probe.error?.message ?? probe.stderr.toString().trim()}): the other tests cover the rule`)
    t.pass()
    return
  }
  const dir = await tempDir(t)
  const fixture = fileURLToPath(new URL('./fixtures/namespaced-lease-holder.ts', import.meta.url))
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, '--import', 'tsx', fixture, dir, 'pipelines/p/lease'], { stdio: ['ignore', 'pipe', 'pipe'] })
  // --kill-child: the namespace's init (the holder) dies with unshare.
  t.teardown(() => { child.kill('SIGKILL'); child.stdout.destroy(); child.stderr.destroy() })
  let out = ''
  let err = ''
  child.stderr.on('data', (d) => { err += d })
  const held = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(out.trim()) })
    child.on('exit', (code) => reject(new Error(`the namespaced holder exited ${code}: ${err}`)))
  })
  const [, pid, ns] = held.split(' ')
  t.log(`held by pid ${pid} of PID namespace ${ns} (ours ${ourNs})`)
  t.not(ns, ourNs)
  const store = new FileStore(dir)
  t.teardown(() => store.close())
  const mine: LeaseOwner = { runner: 'here', host: hostname(), pid: process.pid, pidns: ourNs }
  t.is(await store.lease('pipelines/p/lease', mine, 60_000), undefined, 'the namespaced runner is alive: its lease is not taken')
})
