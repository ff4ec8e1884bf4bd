import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { sweepStaleLocks } from '../../persistence/stores/lock-file.ts'

// Lock files are `host pid <boot id>/<start ticks> thread token` (persistence/stores/lock-owner.ts).
// The identities here are read from /proc by the test itself, not through the code under test.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const holderFixture = fileURLToPath(new URL('./fixtures/lock-holder.ts', import.meta.url))
/** Half the 20 s a lock naming a live holder is waited for before StoreLockTimeoutError; fsyncs on a loaded machine take seconds. */
const AT_ONCE_MS = 10_000

function identityOf(pid: number): string {
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return `${bootId}/${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`
}

async function tempStore(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-lock-file-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A compareAndSet through the lock: true when it finished within AT_ONCE_MS. */
async function lockTakenAtOnce(store: FileStore): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), AT_ONCE_MS) })
  const done = store.compareAndSet('r', 0, 'after the stale lock').then(() => true)
  done.catch(() => undefined) // the timeout answers first on a lock that is waited for
  try {
    return await Promise.race([done, late])
  } finally {
    clearTimeout(timer)
  }
}

function sleeper(t: ExecutionContext): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' })
  t.teardown(() => { child.kill('SIGKILL') })
  return child.pid!
}

const ownPidLocks: Array<[string, () => string]> = [
  ['a foreign token (written by an earlier life of this pid: PID 1 of a restarted container)', () => `${hostname()} ${process.pid} ${identityOf(process.pid)} 0 0123456789abcdef`],
  ['another start time (this pid in an earlier container life)', () => `${hostname()} ${process.pid} ${identityOf(process.pid).replace(/\/(\d+)$/, (_, n: string) => `/${Number(n) - 1000}`)} 0 0123456789abcdef`],
  ['no token at all (the format of earlier versions)', () => `${hostname()} ${process.pid}`],
]
for (const [what, text] of ownPidLocks) {
  test(`lockFile_namingOurOwnPidWith ${what}_takenOverAtOnce`, async (t) => {
    t.timeout(30_000)
    const dir = await tempStore(t)
    const store = new FileStore(dir)
    await writeFile(join(dir, '.lock'), text(), { mode: 0o600 })
    t.true(await lockTakenAtOnce(store), 'our own pid is alive, but that lock is not ours: it must not be waited for')
    t.deepEqual(await store.getRecord('r'), { version: 1, value: 'after the stale lock' })
    t.false(existsSync(join(dir, '.lock')))
  })
}

test('lockFile_namingALiveUnrelatedPidWithAnotherStartTime_takenOverAtOnce', async (t) => {
  t.timeout(30_000)
  const dir = await tempStore(t)
  const store = new FileStore(dir)
  const pid = sleeper(t)
  // The pid is alive, but the lock was written by an earlier process that had this pid (pid reuse).
  const wrongStart = identityOf(pid).replace(/\/(\d+)$/, (_, n: string) => `/${Number(n) - 1}`)
  await writeFile(join(dir, '.lock'), `${hostname()} ${pid} ${wrongStart} 0 0123456789abcdef`, { mode: 0o600 })
  t.true(await lockTakenAtOnce(store))
})

test('lockFile_namingALiveUnrelatedPidWithItsStartTime_waitedFor', async (t) => {
  t.timeout(30_000)
  const dir = await tempStore(t)
  const store = new FileStore(dir)
  const pid = sleeper(t)
  await writeFile(join(dir, '.lock'), `${hostname()} ${pid} ${identityOf(pid)} 0 0123456789abcdef`, { mode: 0o600 })
  let done = false
  const cas = store.compareAndSet('r', 0, 1).then((ok) => { done = true; return ok })
  await new Promise((r) => setTimeout(r, 300))
  t.false(done, 'its holder is that very process: the lock is held')
  await rm(join(dir, '.lock'))
  t.true(await cas)
})

test('lockFile_holderSigkilledInsideItsSection_nextUserProceedsAtOnceAndSweepFindsNothingLeft', async (t) => {
  t.timeout(30_000)
  const dir = await tempStore(t)
  const lock = join(dir, '.lock')
  const child = spawn(process.execPath, ['--import', 'tsx', holderFixture, lock], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('held')) resolve() })
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)))
  })
  t.true((await readFile(lock, 'utf8')).startsWith(`${hostname()} ${child.pid} ${identityOf(child.pid!)} `), 'the lock names its holder and its start')
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
  t.true(existsSync(lock), 'SIGKILL left the lock file behind')
  t.true(await lockTakenAtOnce(new FileStore(dir)))
  t.false(existsSync(lock))
  t.deepEqual(await sweepStaleLocks(lock), [])
})

test('sweepStaleLocks_locksBreakerAndTempFilesOfDeadOrEarlierHolders_removedLiveOnesKept', async (t) => {
  t.timeout(30_000)
  const dir = await tempStore(t)
  const lock = join(dir, '.lock')
  const dead = await deadPid()
  await writeFile(lock, `${hostname()} ${process.pid} - 0 0123456789abcdef`, { mode: 0o600 })
  await writeFile(`${lock}.break`, `${hostname()} ${dead} - 0 fedcba9876543210`, { mode: 0o600 })
  await writeFile(`${lock}.${dead}.0badc0de.tmp`, 'x')
  await writeFile(`${lock}.break.${dead}.0badc0de.tmp`, 'x')
  const live = sleeper(t)
  await writeFile(`${lock}.${live}.0badc0de.tmp`, 'x') // a live locker between write and link
  t.deepEqual((await sweepStaleLocks(lock)).sort(), ['.lock', '.lock.break', `.lock.${dead}.0badc0de.tmp`, `.lock.break.${dead}.0badc0de.tmp`].sort())
  t.true(existsSync(`${lock}.${live}.0badc0de.tmp`))
  t.false(existsSync(lock))
})

async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}
