import { randomBytes } from 'node:crypto'
import { readdirSync, statSync, unlinkSync } from 'node:fs'
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { StoreLockTimeoutError } from './store-lock-timeout-error.ts'
import { describeLockOwner, isStaleLock, ownLockText, parseLockOwner, type LockOwner } from './lock-owner.ts'
import { pidAlive } from './pid-alive.ts'

/** Give up waiting for a lock held by a process that looks alive (sections last milliseconds). */
const GIVE_UP_AFTER_MS = 20_000
/** A lock's temp file lives microseconds (write, link, unlink): one this old was abandoned. */
const TEMP_ABANDONED_AFTER_MS = 60_000

/** Tokens of the locks this thread holds now: a lock naming our pid with any other token is stale. */
const held = new Set<string>()
const heldHere = (token: string): boolean => held.has(token)

/**
 * Runs `f` holding a lock shared by the processes of one machine: a file created with O_EXCL
 * that names its holder (`host pid identity thread token`, see LockOwner). A lock whose holder
 * is gone — dead, its pid reused, or an earlier life of our own pid — is broken at once; one of
 * another host after 30 s. Waiters poll with a short backoff (1–16 ms): sections are a record
 * or lease update, or a fenced rename.
 *
 * @example
 * await withLockFile('/data/.oxiflow/.lock', async () => { ... })
 */
export async function withLockFile<T>(path: string, f: () => Promise<T>): Promise<T> {
  const token = await acquire(path)
  try {
    return await f()
  } finally {
    try {
      await release(path, token)
    } finally {
      held.delete(token)
    }
  }
}

/**
 * Removes the lock `token` took — unless it is not ours any more: another process judged our
 * lock stale (its holder looked gone to it), broke it and took the lock itself. Removing that
 * one would let a third process in beside it.
 */
async function release(path: string, token: string): Promise<void> {
  const now = await inspect(path)
  if (now?.owner?.token !== undefined && now.owner.token !== token) return
  await unlinkIfThere(path)
}

/**
 * Removes the lock files around `path` that nobody can release any more: the lock and its
 * breaker when their holder is gone, and the temp files of a process killed while locking.
 * Returns the names removed (`oxiflow state cleanup` reports them).
 *
 * @example
 * await sweepStaleLocks('/data/.oxiflow/.lock') // ['.lock', '.lock.4242.9f2c0d1e.tmp']
 */
export async function sweepStaleLocks(path: string): Promise<string[]> {
  const removed = sweepLockTempFiles(path)
  // The breaker first: a dead breaker's file would keep the lock from being broken.
  const breaker = await inspect(`${path}.break`)
  if (breaker !== undefined && isStaleLock(breaker.owner, breaker.ageMs, heldHere) && await unlinkIfThere(`${path}.break`)) removed.push(`${basename(path)}.break`)
  if ((await breakIfStale(path)) === 'broken') removed.push(basename(path))
  return removed
}

/**
 * Deletes `<lock>.<pid>.<hex>.tmp` files of dead processes, or older than a minute (a SIGKILL
 * between writing one and linking it). Returns their names.
 *
 * @example
 * sweepLockTempFiles('/data/.oxiflow/.lock') // ['.lock.4242.9f2c0d1e.tmp']
 */
export function sweepLockTempFiles(path: string): string[] {
  const dir = dirname(path)
  const pattern = new RegExp(`^${basename(path).replace(/\./g, '\\.')}(?:\\.break)?\\.(\\d+)\\.[0-9a-f]+\\.tmp$`)
  const removed: string[] = []
  for (const name of readdirSync(dir)) {
    const pid = Number(pattern.exec(name)?.[1])
    if (!(pid > 0)) continue
    try {
      const old = Date.now() - statSync(join(dir, name)).mtimeMs > TEMP_ABANDONED_AFTER_MS
      if (!old && (pid === process.pid || pidAlive(pid))) continue
      unlinkSync(join(dir, name))
      removed.push(name)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e // its process removed it meanwhile
    }
  }
  return removed
}

async function acquire(path: string): Promise<string> {
  const started = Date.now()
  const token = randomBytes(8).toString('hex')
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path, token)) return token
    const found = await breakIfStale(path)
    if (found === 'absent' || found === 'broken') continue
    if (Date.now() - started > GIVE_UP_AFTER_MS) throw new StoreLockTimeoutError(path, describeLockOwner((await inspect(path))?.owner), Date.now() - started)
    await sleep(Math.min(16, 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()))
  }
}

/**
 * Creates the lock file naming us and `token`; false when it exists. The content is written to
 * a temp file first and hard-linked into place (link fails with EEXIST when the lock is taken),
 * so the lock appears with its owner already in it: a process killed while locking leaves
 * either no lock or one naming it, never an empty one that must age out. The token counts as
 * held from before the link, so no one in this thread sees our fresh lock as stale.
 */
async function tryCreate(path: string, token: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, ownLockText(token), { mode: 0o600 })
  held.add(token)
  try {
    await link(tmp, path)
    return true
  } catch (e) {
    held.delete(token)
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  } finally {
    await unlink(tmp).catch(() => {})
  }
}

interface LockInfo { ino: number; ageMs: number; owner: LockOwner | undefined }

async function inspect(path: string): Promise<LockInfo | undefined> {
  try {
    const [s, text] = await Promise.all([stat(path), readFile(path, 'utf8')])
    return { ino: s.ino, ageMs: Date.now() - s.mtimeMs, owner: parseLockOwner(text) }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined // released meanwhile
    throw e
  }
}

/**
 * Removes the lock when its holder is gone. Breaking happens under a second lock file
 * (`<path>.break`) and re-checks the inode: two waiters that both saw the dead holder must not
 * both unlink, or the second would remove the lock the first had just taken. 'absent' and
 * 'broken' mean retry at once, 'busy' (another waiter is breaking it) and 'held' after a wait.
 */
async function breakIfStale(path: string): Promise<'absent' | 'held' | 'busy' | 'broken'> {
  const seen = await inspect(path)
  if (seen === undefined) return 'absent'
  if (!isStaleLock(seen.owner, seen.ageMs, heldHere)) return 'held'
  const breaker = `${path}.break`
  const token = randomBytes(8).toString('hex')
  if (!(await tryCreate(breaker, token))) {
    // A breaker that died inside this microsecond-long section leaves its file: clear it when stale.
    const b = await inspect(breaker)
    if (b !== undefined && isStaleLock(b.owner, b.ageMs, heldHere)) await unlinkIfThere(breaker)
    return 'busy'
  }
  try {
    const again = await inspect(path)
    if (again === undefined || again.ino !== seen.ino || !isStaleLock(again.owner, again.ageMs, heldHere)) return 'busy'
    await unlink(path)
    return 'broken'
  } finally {
    try {
      await unlink(breaker)
    } finally {
      held.delete(token)
    }
  }
}

async function unlinkIfThere(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}
