import test from 'ava'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { InvalidStoreUrlError } from '../../persistence/stores/invalid-store-url-error.ts'
import { StoreUnavailableError } from '../../persistence/stores/store-unavailable-error.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { openStore } from '../../persistence/stores/open-store.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { deadPid, owner, storeConformance } from './store-conformance.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const raceFixture = fileURLToPath(new URL('../fixtures/persistence/lease-race.ts', import.meta.url))
const dirs = new WeakMap<StateStore, string>()

/** A FileStore in a directory that does not exist yet (the store creates it, with its modes). */
async function freshDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'oxiflow-file-store-')), 'store')
}

storeConformance('file', async () => {
  const dir = await freshDir()
  const store = new FileStore(dir)
  dirs.set(store, dir)
  return store
}, async (store) => rm(join(dirs.get(store)!, '..'), { recursive: true, force: true }))

async function tempStore(t: { teardown(f: () => Promise<void>): void }): Promise<{ store: FileStore; dir: string }> {
  const dir = await freshDir()
  t.teardown(() => rm(join(dir, '..'), { recursive: true, force: true }))
  return { store: new FileStore(dir), dir }
}

const mode = async (path: string) => (await stat(path)).mode & 0o777

test('fileStore_everyFileAndDirectory_0600And0700', async (t) => {
  const { store, dir } = await tempStore(t)
  await store.put('a/b/c', new Uint8Array([1]))
  await store.put('top', new Uint8Array([2]))
  t.true(await store.compareAndSet('runs/p', 0, { state: 'running' }))
  t.truthy(await store.lease('pipelines/p/lease', owner('a'), 60_000))
  const files: string[] = []
  const folders: string[] = []
  async function collect(d: string): Promise<void> {
    folders.push(d)
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await collect(join(d, e.name))
      else files.push(join(d, e.name))
    }
  }
  await collect(dir)
  for (const sub of ['data', 'records', 'leases', 'tmp', 'data/a', 'data/a/b', 'records/runs', 'leases/pipelines/p']) {
    t.true(folders.includes(join(dir, sub)), `${sub} exists`)
  }
  t.is(files.length, 4, files.join(', '))
  for (const f of folders) t.is(await mode(f), 0o700, `directory ${f}`)
  for (const f of files) t.is(await mode(f), 0o600, `file ${f}`)
})

test('fileStore_tempFileOfCrashedPut_neverVisible', async (t) => {
  const { store, dir } = await tempStore(t)
  await store.put('a/kept', new Uint8Array([1]))
  // What a put killed between write and rename leaves: a temp file, and maybe the key's folders.
  await writeFile(join(dir, 'tmp', `${process.pid}-0123456789ab.tmp`), 'half a blob', { mode: 0o600 })
  await writeFile(join(dir, 'tmp', 'a'), 'named like a key', { mode: 0o600 })
  await mkdir(join(dir, 'data', 'a', 'crashed'), { recursive: true, mode: 0o700 })
  t.deepEqual(await store.list(''), ['a/kept'])
  t.deepEqual(await store.list('a/'), ['a/kept'])
  t.is(await store.get('a/crashed'), undefined)
  t.is(await store.get('tmp/a'), undefined)
  t.deepEqual(await store.leases(), [])
  // And the store keeps working next to it.
  await store.put('a/crashed/now', new Uint8Array([2]))
  t.deepEqual(await store.list('a/'), ['a/crashed/now', 'a/kept'])
})

test('fileStore_reopenedDirectory_seesEverything', async (t) => {
  const { store, dir } = await tempStore(t)
  await store.put('a/b', new Uint8Array([1, 2]))
  t.true(await store.compareAndSet('r', 0, { n: 1 }))
  const lease = (await store.lease('l', owner('a'), 60_000))!
  const again = new FileStore(dir)
  t.deepEqual(await again.get('a/b'), new Uint8Array([1, 2]))
  t.deepEqual(await again.getRecord('r'), { version: 1, value: { n: 1 } })
  t.is(await again.lease('l', owner('b'), 60_000), undefined)
  t.is((await again.lease('l', owner('a'), 60_000))!.token, lease.token + 1)
})

interface RaceResult { runner: string; results: Array<number | null> }

/** Starts `racers` child processes on `dir` that race for leases race/0 … race/<rounds-1>. */
async function race(dir: string, racers: number, rounds: number, env: Record<string, string> = {}): Promise<RaceResult[]> {
  const dead = await deadPid()
  // Children need ~1 s to load tsx; all of them start round 0 at the same wall-clock time.
  const startAt = Date.now() + 2_500
  const children = Array.from({ length: racers }, (_, i) => spawn(process.execPath,
    ['--import', 'tsx', raceFixture, dir, `r${i}`, String(startAt), String(rounds), '60', String(dead)],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } }))
  try {
    return await Promise.all(children.map((child) => new Promise<RaceResult>((resolve, reject) => {
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n')) resolve(JSON.parse(out) as RaceResult)
      })
      child.stderr.on('data', (d: Buffer) => { err += d.toString() })
      child.once('exit', (code) => reject(new Error(`racer exited with ${code} before answering: ${err}`)))
    })))
  } finally {
    for (const child of children) child.stdin.end()
    await Promise.all(children.map((child) => child.exitCode !== null ? undefined : new Promise((r) => child.once('exit', r))))
  }
}

test('lease_twoProcessesRaceOnOneDirectory_exactlyOneWinsEachRound', async (t) => {
  t.timeout(30_000)
  const { dir } = await tempStore(t)
  const rounds = 20
  const results = await race(dir, 2, rounds)
  for (let i = 0; i < rounds; i++) {
    const winners = results.filter((r) => r.results[i] !== null)
    t.is(winners.length, 1, `round ${i}: ${JSON.stringify(results.map((r) => r.results[i]))}`)
  }
})

test('lease_processesRaceThroughAStaleLockFile_exactlyOneWinsEachRound', async (t) => {
  // Before every round a lock file of a dead pid is planted: each racer finds it stale and
  // breaks it. Breaking must not remove a lock that another racer took in the meantime.
  t.timeout(30_000)
  const { dir } = await tempStore(t)
  const rounds = 25
  const results = await race(dir, 3, rounds, { STALE_LOCK: '1' })
  for (let i = 0; i < rounds; i++) {
    const winners = results.filter((r) => r.results[i] !== null)
    t.is(winners.length, 1, `round ${i}: ${JSON.stringify(results.map((r) => r.results[i]))}`)
  }
})

test('lockFile_ofDeadPid_brokenAndStoreKeepsWorking', async (t) => {
  const { store, dir } = await tempStore(t)
  await writeFile(join(dir, '.lock'), `${hostname()} ${await deadPid()}`, { mode: 0o600 })
  const started = Date.now()
  t.true(await store.compareAndSet('r', 0, 'after a crash'))
  t.truthy(await store.lease('l', owner('a'), 60_000))
  await store.put('k', new Uint8Array([1]), { fence: { lease: 'l', token: 1 } })
  // Not broken, the lock would be waited for until StoreLockTimeoutError (20 s); fsyncs on a loaded machine take seconds.
  t.true(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
  t.false(existsSync(join(dir, '.lock')), 'released after use')
  t.deepEqual(await store.getRecord('r'), { version: 1, value: 'after a crash' })
})

test('openStore_path_fileStoreInThatDirectory', async (t) => {
  const dir = await freshDir()
  t.teardown(() => rm(join(dir, '..'), { recursive: true, force: true }))
  const store = openStore(dir)
  t.true(store instanceof FileStore)
  await store.put('k', new Uint8Array([1]))
  t.true(existsSync(join(dir, 'data')))
  t.true(store.describe().includes(dir))
})

test('openStore_fileUrlWithEscapes_fileStoreInTheDecodedPath', async (t) => {
  const dir = join(await freshDir(), '..', 'with space%')
  t.teardown(() => rm(join(dir, '..'), { recursive: true, force: true }))
  const store = openStore(pathToFileURL(dir).href)
  t.true(store instanceof FileStore)
  await store.put('k', new Uint8Array([1]))
  t.true(existsSync(join(dir, 'data', 'k=')), `written under ${dir}`)
})

test('openStore_memory_memoryStore', (t) => {
  t.true(openStore('memory:') instanceof MemoryStore)
  t.true(openStore('memory://') instanceof MemoryStore)
})

test('openStore_unknownScheme_invalidUrlWithoutCredentialsInMessage', (t) => {
  // redis:// and postgres:// open the shared stores now (test/cli/store-url.test.ts); other schemes are refused.
  const error = t.throws(() => openStore('ftp://user:secret@host/x'), { instanceOf: InvalidStoreUrlError })
  t.false(error!.message.includes('secret'), error!.message)
  t.regex(error!.message, /ftp:\/\/ is not a store oxiflow knows; use a path for the file store/)
})
