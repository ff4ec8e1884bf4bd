// A lease names its holder's process start (boot id + /proc/<pid>/stat field 22), so a holder
// whose pid is alive but is another process now is gone: a reused pid, or this very pid in an
// earlier life — PID 1 of a restarted container is the runner every time. Such a lease was
// refused until its TTL ran out (5a5b78f: only runner, host and pid were recorded). Every store
// judges it the same; the starts are read from /proc by the test itself, not by the code under
// test.
import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { cleanupState } from '../../persistence/run-state/cleanup-state.ts'
import { isStaleLease } from '../../persistence/run-state/lease-health.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { PostgresStore } from '../../persistence/stores/postgres-store.ts'
import { RedisStore } from '../../persistence/stores/redis-store.ts'
import type { LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'
import { LEASE_TTL_MS, RunnerLease } from '../../runtime/checkpoint/runner-lease.ts'
import { POSTGRES_URL, REDIS_URL, dropPostgresSchema, dropRedisPrefix, uniqueName } from '../fixtures/store-servers.ts'

const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()

/** `<boot id>/<start ticks>` of a live process, read here from /proc. */
function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return `${bootId}/${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`
}

/** A start that no process of this boot has: the earlier life of a container's PID 1 (its tick count was lower). */
const EARLIER_LIFE = `${bootId}/1`

/** A live process of this host that is not the holder a lease names (a reused pid stands for it). */
function liveProcess(t: ExecutionContext): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' })
  t.teardown(() => { child.kill('SIGKILL') })
  return child.pid!
}

const here = (runner: string, pid: number, start?: string): LeaseOwner => ({ runner, host: hostname(), pid, ...(start === undefined ? {} : { start }) })

const makers: Record<string, (t: ExecutionContext) => Promise<StateStore>> = {
  memory: async () => new MemoryStore(),
  file: async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-lease-identity-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    return new FileStore(dir)
  },
  redis: async (t) => {
    const prefix = uniqueName('lease-identity')
    t.teardown(() => dropRedisPrefix(prefix))
    return new RedisStore(REDIS_URL, { prefix })
  },
  postgres: async (t) => {
    const schema = uniqueName('lease_identity')
    t.teardown(() => dropPostgresSchema(schema))
    return new PostgresStore(POSTGRES_URL, { schema })
  },
}

for (const [kind, make] of Object.entries(makers)) {
  const storeTest = (title: string, body: (t: ExecutionContext, store: StateStore) => Promise<void>) => {
    test(`${kind}: ${title}`, async (t) => {
      t.timeout(20_000)
      const store = await make(t)
      t.teardown(() => store.close()) // registered last, so it runs before the drop of its namespace
      await body(t, store)
    })
  }

  storeTest('lease_ownPidOfAnEarlierLife_takenAtOnce', async (t, store) => {
    // The container's PID 1 took the lease, was SIGKILLed with the container, and the restarted
    // container's PID 1 (this process) runs under another runner id.
    const old = (await store.lease('pipelines/p/lease', here('earlier-life', process.pid, EARLIER_LIFE), 60_000))!
    t.truthy(old)
    const mine = await store.lease('pipelines/p/lease', here('restarted', process.pid, startOf(process.pid)), 60_000)
    t.truthy(mine, 'taken over without waiting for the 60 s TTL')
    t.true(mine!.token > old.token)
    t.false(await old.renew(), 'the earlier life\'s handle holds nothing any more')
    t.deepEqual((await store.leases()).map((l) => ({ ...l.owner })), [here('restarted', process.pid, startOf(process.pid))], 'the start is recorded')
  })

  storeTest('lease_livePidWithAnotherStart_takenAtOnce', async (t, store) => {
    const reused = liveProcess(t)
    const old = (await store.lease('pipelines/p/lease', here('gone', reused, EARLIER_LIFE), 60_000))!
    t.truthy(old)
    t.true(isStaleLease((await store.leases())[0]!, Date.now()), 'listed as stale (runner list, state cleanup)')
    const mine = await store.lease('pipelines/p/lease', here('next', process.pid, startOf(process.pid)), 60_000)
    t.truthy(mine, 'pid reused by another process: taken over at once')
  })

  storeTest('lease_liveHolderWithItsRealStart_refused', async (t, store) => {
    const holder = liveProcess(t)
    t.truthy(await store.lease('pipelines/p/lease', here('alive', holder, startOf(holder)), 60_000))
    t.false(isStaleLease((await store.leases())[0]!, Date.now()))
    t.is(await store.lease('pipelines/p/lease', here('next', process.pid, startOf(process.pid)), 60_000), undefined)
    // Another runner of this very process (same start) holds its lease too.
    t.truthy(await store.lease('pipelines/q/lease', here('first', process.pid, startOf(process.pid)), 60_000))
    t.is(await store.lease('pipelines/q/lease', here('second', process.pid, startOf(process.pid)), 60_000), undefined)
  })

  storeTest('lease_ownerWithoutStart_judgedByItsPidAsBefore', async (t, store) => {
    // Leases of earlier versions carry no start: a live pid holds, a dead one does not.
    const holder = liveProcess(t)
    t.truthy(await store.lease('pipelines/p/lease', here('old-version', holder), 60_000))
    t.is(await store.lease('pipelines/p/lease', here('next', process.pid, startOf(process.pid)), 60_000), undefined)
    t.truthy(await store.lease('pipelines/q/lease', here('old-version', process.pid), 60_000))
    t.is(await store.lease('pipelines/q/lease', here('next', process.pid, startOf(process.pid)), 60_000), undefined)
  })

  storeTest('lease_malformedStart_refusedWithExactMessage', async (t, store) => {
    for (const start of ['', 42]) {
      await t.throwsAsync(store.lease('pipelines/p/lease', { ...here('r', process.pid), start } as unknown as LeaseOwner, 1000), {
        message: `lease('pipelines/p/lease'): owner.start must be a non-empty string (the process's start, e.g. from ownProcessStart()) or absent (got ${JSON.stringify(start)})`,
      })
    }
  })

  storeTest('runnerLease_earlierLifeHolder_takenAndCleanupReleasesAReusedPidsLease', async (t, store) => {
    t.truthy(await store.lease('pipelines/p/lease', here('earlier-life', process.pid, EARLIER_LIFE), 60_000))
    const runner = await RunnerLease.acquire(store, 'p', () => undefined)
    t.teardown(() => runner.release())
    t.true(runner.fence.token > 0)
    const reused = liveProcess(t)
    t.truthy(await store.lease('pipelines/q/lease', here('gone', reused, EARLIER_LIFE), LEASE_TTL_MS))
    const report = await cleanupState(store, { staleOnly: true })
    t.deepEqual(report.leases.map((l) => [l.name, l.runner]), [['pipelines/q/lease', 'gone']], 'the runner\'s own lease stays')
    t.true(report.leases[0]!.reason.startsWith(`pid ${reused} on ${hostname()} is another process now`), report.leases[0]!.reason)
  })
}

test('file: a lease file naming a reused pid is taken over; one of an earlier version (no start) is judged by its pid', async (t) => {
  t.timeout(20_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-lease-identity-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const live = liveProcess(t)
  // Written as the documented format (persistence/stores/lease-record.ts), not through the store.
  const plant = async (pipeline: string, owner: object): Promise<void> => {
    const path = join(dir, 'leases', 'pipelines', pipeline, 'lease=')
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, JSON.stringify({ format: 1, token: 7, owner, acquiredAt: Date.now(), expiresAt: Date.now() + 60_000 }), { mode: 0o600 })
  }
  await plant('reused', { runner: 'gone', host: hostname(), pid: live, start: EARLIER_LIFE })
  await plant('older', { runner: 'older', host: hostname(), pid: live })
  const store = new FileStore(dir)
  t.teardown(() => store.close())
  const mine = here('next', process.pid, startOf(process.pid))
  t.is((await store.lease('pipelines/reused/lease', mine, 60_000))?.token, 8)
  t.is(await store.lease('pipelines/older/lease', mine, 60_000), undefined)
})
