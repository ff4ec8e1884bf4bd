import test from 'ava'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renameInto } from '../../persistence/stores/atomic-file.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { removeEmptyDirs } from '../../persistence/stores/key-files.ts'
import { deadPid, owner } from './store-conformance.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const worker = fileURLToPath(new URL('./fixtures/file-store-worker.ts', import.meta.url))

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-file-store-proc-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'store')
}

function start(args: string[]): { child: ChildProcess; line: Promise<string>; exit: Promise<number | string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)))
  const line = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out.trim())
    })
    void exit.then((c) => reject(new Error(`worker ${args.join(' ')} exited with ${c} before answering: ${err}`)))
  })
  return { child, line, exit }
}

test('compareAndSet_threeProcessesIncrementOneRecord_noUpdateLost', async (t) => {
  t.timeout(40_000)
  const dir = await tempDir(t)
  new FileStore(dir) // create it once, so the workers do not race on mkdir
  const workers = [0, 1, 2].map(() => start(['cas', dir, '25']))
  t.deepEqual(await Promise.all(workers.map((w) => w.line)), ['done', 'done', 'done'])
  await Promise.all(workers.map((w) => w.exit))
  t.deepEqual(await new FileStore(dir).getRecord('counter'), { version: 75, value: 75 })
})

test('put_writerKilledAtRandomMoments_valueAlwaysWholeAndStoreUsableAtOnce', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  new FileStore(dir)
  for (let kill = 0; kill < 4; kill++) {
    const w = start(['writer', dir])
    t.is(await w.line, 'started')
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 200))
    w.child.kill('SIGKILL')
    t.is(await w.exit, 'SIGKILL')
    const store = new FileStore(dir) // opening sweeps the dead writer's temp files
    t.deepEqual(await readdir(join(dir, 'tmp')), [], 'temp files of the killed writer swept')
    const big = (await store.get('big'))!
    t.is(big.length, 2 * 1024 * 1024)
    t.true(big.every((b) => b === big[0]), `kill ${kill}: a whole value, never a mix of two writes`)
    // The killed writer may have died holding the lock: a dead pid's lock is broken at once,
    // and its lease is taken over at once (same host, dead pid).
    const started = Date.now()
    const r = await store.getRecord<number>('beat')
    t.true(await store.compareAndSet('beat', r!.version, -1))
    const lease = await store.lease('writer', owner('next'), 60_000)
    t.truthy(lease)
    await store.put('big', new Uint8Array(2 * 1024 * 1024).fill(lease!.token), { fence: { lease: 'writer', token: lease!.token } })
    await lease!.release()
    t.true(Date.now() - started < 2_000, `usable after ${Date.now() - started} ms`)
    t.false(existsSync(join(dir, '.lock')))
  }
})

test('fileStore_open_sweepsTempFilesOfDeadProcessesOnly', async (t) => {
  const dir = await tempDir(t)
  new FileStore(dir)
  const dead = await deadPid()
  await writeFile(join(dir, 'tmp', `${dead}-00aa.tmp`), 'half a blob')
  await writeFile(join(dir, 'tmp', `${process.pid}-00bb.tmp`), 'a put in progress')
  await writeFile(join(dir, 'tmp', 'notes.txt'), 'not ours')
  new FileStore(dir)
  t.deepEqual((await readdir(join(dir, 'tmp'))).sort(), [`${process.pid}-00bb.tmp`, 'notes.txt'])
})

test('delete_lastKeyOfADirectory_removesEmptyDirectoriesUpToData', async (t) => {
  const dir = await tempDir(t)
  const store = new FileStore(dir)
  await store.put('pipelines/p/checkpoints/0000000001/manifest.json', new Uint8Array([1]))
  await store.put('pipelines/p/checkpoints/0000000001/agg~sum.blob', new Uint8Array([2]))
  await store.put('pipelines/p/run', new Uint8Array([3]))
  await store.delete('pipelines/p/checkpoints/0000000001/manifest.json')
  t.true(existsSync(join(dir, 'data/pipelines/p/checkpoints/0000000001')))
  await store.delete('pipelines/p/checkpoints/0000000001/agg~sum.blob')
  t.false(existsSync(join(dir, 'data/pipelines/p/checkpoints')), 'emptied directories removed')
  t.deepEqual(await readdir(join(dir, 'data/pipelines/p')), ['run='])
  await store.delete('pipelines/p/run')
  t.deepEqual(await readdir(join(dir, 'data')), [])
})

test('delete_racingPutsInTheSameDirectory_everyPutLands', async (t) => {
  const dir = await tempDir(t)
  const store = new FileStore(dir)
  // Deleting the last key of a directory removes it while puts create files in it: a put
  // whose directory vanished between mkdir and rename must retry, not fail.
  for (let round = 0; round < 20; round++) {
    await store.put(`d/${round}/old`, new Uint8Array([1]))
    await Promise.all([store.delete(`d/${round}/old`), store.put(`d/${round}/new`, new Uint8Array([2]))])
    t.deepEqual(await store.list(`d/${round}/`), [`d/${round}/new`])
  }
})

test('renameInto_directoriesRemovedWhileItRuns_everyRenameLands', async (t) => {
  const dir = await tempDir(t)
  new FileStore(dir) // creates data/ and tmp/
  const data = join(dir, 'data')
  const leaf = join(data, 'a/b/c/d')
  // The race above, made frequent: a loop removes the emptied directories over and over while
  // puts rename into them. The recursive mkdir can lose a parent it just created (ENOENT from
  // mkdir) and the rename can lose the directory (ENOENT from rename); both must retry.
  let stop = false
  const remover = (async () => { while (!stop) await removeEmptyDirs(leaf, data) })()
  const failures: string[] = []
  let renames = 0
  try {
    for (const started = Date.now(); Date.now() - started < 400; renames++) {
      const tmp = join(dir, 'tmp', `${renames}.tmp`)
      writeFileSync(tmp, 'x') // synchronous: the remover runs only while renameInto waits
      try {
        await renameInto(tmp, join(leaf, 'f'))
        await rm(join(leaf, 'f'))
      } catch (e) {
        failures.push(`${(e as NodeJS.ErrnoException).code} from ${(e as NodeJS.ErrnoException).syscall}`)
        await rm(tmp, { force: true })
      }
    }
  } finally {
    stop = true
    await remover
  }
  t.log(`${renames} renames against a directory remover`)
  t.deepEqual(failures, [])
})

test('lockFile_heldByALiveProcess_waitedFor', async (t) => {
  const dir = await tempDir(t)
  const store = new FileStore(dir)
  // A live pid of this host holds the lock (a sleeping child stands in for another runner; our
  // own pid would not do: a lock naming us with a token we do not hold is stale).
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' })
  t.teardown(() => { holder.kill('SIGKILL') })
  await writeFile(join(dir, '.lock'), `${hostname()} ${holder.pid}`, { mode: 0o600 })
  let done = false
  const cas = store.compareAndSet('r', 0, 1).then((ok) => { done = true; return ok })
  await new Promise((r) => setTimeout(r, 150))
  t.false(done, 'waits while the holder is alive')
  await rm(join(dir, '.lock'))
  t.true(await cas)
})
