import test from 'ava'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RecordConflictError } from '../../persistence/run-state/record-conflict-error.ts'
import { MAX_RUN_ERRORS, runRecordKey, withRunError, type RunError } from '../../persistence/run-state/run-record.ts'
import { readRunRecord, runRecordIds, updateRunRecord } from '../../persistence/run-state/run-records.ts'
import { requestStop, stopRequestKey, stopRequested } from '../../persistence/run-state/stop-request.ts'
import { CAS_ATTEMPTS, updateRecord } from '../../persistence/run-state/update-record.ts'
import { scrubCredentials } from '../../persistence/run-state/scrub-credentials.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { blankRunRecord } from '../fixtures/run-state-blank.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const writer = fileURLToPath(new URL('../fixtures/run-state-cas-writer.ts', import.meta.url))

async function fileStore(t: { teardown(f: () => Promise<void>): void }): Promise<{ store: FileStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-run-record-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return { store: new FileStore(join(dir, 'store')), dir: join(dir, 'store') }
}

for (const [name, make] of [['memory', async () => new MemoryStore()], ['file', async (t: Parameters<typeof fileStore>[0]) => (await fileStore(t)).store]] as const) {
  test(`updateRunRecord_concurrentWritersIn${name}Store_noUpdateLost`, async (t) => {
    const store: StateStore = await make(t)
    const writers = 8
    const each = 15
    // Every writer adds 1 per update; the oracle is the plain product.
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) {
        await updateRunRecord(store, 'p', (r) => {
          const base = r ?? blankRunRecord('p')
          return { ...base, recordsProcessed: base.recordsProcessed + 1, recordsFailed: base.recordsFailed + (w % 2) }
        })
      }
    }))
    const r = await readRunRecord(store, 'p')
    t.is(r?.recordsProcessed, writers * each)
    t.is(r?.recordsFailed, (writers / 2) * each)
    t.is((await store.getRecord(runRecordKey('p')))?.version, writers * each, 'one version per update: nothing overwritten')
    t.deepEqual(await runRecordIds(store), ['p'])
  })
}

test('updateRunRecord_threeProcessesOnOneFileStore_noUpdateLost', async (t) => {
  t.timeout(60_000)
  const { store, dir } = await fileStore(t)
  const names = ['a', 'b', 'c']
  const each = 20
  const codes = await Promise.all(names.map((name) => new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, 'race', String(each), name], { cwd: repoRoot, stdio: 'ignore' })
    child.on('exit', (code) => resolve(code))
  })))
  t.deepEqual(codes, [0, 0, 0])
  const r = await readRunRecord(store, 'race')
  t.is(r?.recordsProcessed, names.length * each)
  for (const name of names) t.is(r?.steps[name]?.recordsIn, each, `writer ${name}`)
})

test('updateRecord_lostRace_rereadsAndBuildsOnTheOtherWrite', async (t) => {
  const inner = new MemoryStore()
  let interfere = true
  // A store that lets another writer in between our read and our compare-and-set, once.
  const store: StateStore = Object.assign(Object.create(inner) as StateStore, {
    async compareAndSet<T>(key: string, expected: number, value: T): Promise<boolean> {
      if (interfere) {
        interfere = false
        t.true(await inner.compareAndSet(key, expected, ['other']))
      }
      return inner.compareAndSet(key, expected, value)
    },
  })
  const seen: Array<string[] | undefined> = []
  const result = await updateRecord<string[]>(store, 'k', (cur) => { seen.push(cur); return [...(cur ?? []), 'mine'] })
  t.deepEqual(seen, [undefined, ['other']], 'the change ran again on what the other writer wrote')
  t.deepEqual(result, ['other', 'mine'])
  t.deepEqual((await inner.getRecord('k'))?.value, ['other', 'mine'])
})

test('updateRecord_alwaysLosing_throwsRecordConflictErrorNamingTheKey', async (t) => {
  const inner = new MemoryStore()
  const store: StateStore = Object.assign(Object.create(inner) as StateStore, {
    async compareAndSet<T>(key: string, expected: number, value: T): Promise<boolean> {
      await inner.compareAndSet(key, expected, 'someone else') // always first
      return inner.compareAndSet(key, expected, value)
    },
  })
  const e = await t.throwsAsync(updateRecord(store, 'pipelines/p/run', () => 'mine'), { instanceOf: RecordConflictError })
  t.is(e?.message, `record 'pipelines/p/run' in memory store: ${CAS_ATTEMPTS} compare-and-set attempts lost to concurrent writers — ` +
    'another process rewrites it in a loop; find it with oxiflow runner list and stop it, then retry')
})

test('withRunError_beyondTheBound_keepsTheNewestInOrderAndCountsTheDropped', (t) => {
  let r = blankRunRecord('p')
  const all: RunError[] = []
  for (let i = 0; i < MAX_RUN_ERRORS + 7; i++) {
    const e: RunError = { step: 's', code: 'ERR_STEP', message: `#${i}`, offset: `record #${i}`, time: i, retryable: false }
    all.push(e)
    r = withRunError(r, e)
  }
  t.deepEqual(r.errors, all.slice(-MAX_RUN_ERRORS))
  t.is(r.errorsDropped, 7)
})

test('updateRunRecord_removed_leavesTheIndexAndReadsAsAbsent', async (t) => {
  const store = new MemoryStore()
  await updateRunRecord(store, 'a', () => blankRunRecord('a'))
  await updateRunRecord(store, 'b', () => blankRunRecord('b'))
  t.deepEqual(await runRecordIds(store), ['a', 'b'])
  await updateRunRecord(store, 'a', () => null)
  t.is(await readRunRecord(store, 'a'), undefined)
  t.deepEqual(await runRecordIds(store), ['b'])
})

test('stopRequest_keysEncodeRunnerIds_andOnlyTheNamedLeaseTokenStops', async (t) => {
  t.is(stopRequestKey('box:4242'), 'runners/box~3a4242/stop')
  t.is(stopRequestKey('a~b'), 'runners/a~7eb/stop')
  t.is(stopRequestKey('..'), 'runners/~2e./stop')
  const store = new MemoryStore()
  await requestStop(store, 'box:1', [{ name: 'pipelines/a/lease', token: 3 }], 'cli:9')
  await requestStop(store, 'box:1', [{ name: 'pipelines/b/lease', token: 5 }], 'cli:9')
  t.truthy(await stopRequested(store, 'box:1', 'pipelines/a/lease', 3), 'a second request keeps the first')
  t.truthy(await stopRequested(store, 'box:1', 'pipelines/b/lease', 5))
  t.falsy(await stopRequested(store, 'box:1', 'pipelines/a/lease', 4), 'a later grant of the lease is not asked to stop')
  t.falsy(await stopRequested(store, 'box:2', 'pipelines/a/lease', 3))
})

test('scrubCredentials_masksUserInfoAndSecretParametersAnywhereInAText', (t) => {
  t.is(scrubCredentials('connect to redis://u:pw@db:6379/0 failed; postgres://x:y@h/db?password=zz&sslmode=require too'),
    'connect to redis://***@db:6379/0 failed; postgres://***@h/db?password=***&sslmode=require too')
  t.is(scrubCredentials(`runner ${hostname()}:42`), `runner ${hostname()}:42`)
})
