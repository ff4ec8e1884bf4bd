import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { StoreLockTimeoutError } from '../errors/store-lock-timeout-error.ts'
import { pidAlive } from './pid-alive.ts'

/** Give up waiting for a lock held by a process that looks alive (sections last milliseconds). */
const GIVE_UP_AFTER_MS = 20_000
/** A lock of another host (a shared filesystem: its pid cannot be probed) is broken after this. */
const FOREIGN_STALE_AFTER_MS = 30_000
/** A lock whose content cannot be read (its creator died between create and write) is broken after this. */
const UNREADABLE_STALE_AFTER_MS = 5_000

/**
 * Runs `f` holding a lock shared by the processes of one machine: a file created with O_EXCL
 * that holds `host pid`. A lock whose process is dead on this host is broken at once; one of
 * another host after 30 s. Waiters poll with a short backoff (1–16 ms): sections are a record or
 * lease update, or a fenced rename.
 *
 * @example
 * await withLockFile('/data/.oxiflow/.lock', async () => { ... })
 */
export async function withLockFile<T>(path: string, f: () => Promise<T>): Promise<T> {
  await acquire(path)
  try {
    return await f()
  } finally {
    await unlink(path)
  }
}

async function acquire(path: string): Promise<void> {
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path)) return
    if (await breakIfStale(path)) continue
    if (Date.now() - started > GIVE_UP_AFTER_MS) throw new StoreLockTimeoutError(path, await describeHolder(path), Date.now() - started)
    await sleep(Math.min(16, 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()))
  }
}

/**
 * Creates the lock file with our `host pid`; false when it exists. The content is written to a
 * temp file first and hard-linked into place (link fails with EEXIST when the lock is taken), so
 * the lock appears with its owner already in it: a process killed while locking leaves either no
 * lock or one naming a dead pid (broken at once), never an empty one that must age out.
 */
async function tryCreate(path: string, content = `${hostname()} ${process.pid}`): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, content, { mode: 0o600 })
  try {
    await link(tmp, path)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  } finally {
    await unlink(tmp).catch(() => {})
  }
}

interface LockInfo { ino: number; ageMs: number; host: string | undefined; pid: number | undefined }

async function inspect(path: string): Promise<LockInfo | undefined> {
  try {
    const [s, text] = await Promise.all([stat(path), readFile(path, 'utf8')])
    const [host, pid] = text.split(' ')
    return { ino: s.ino, ageMs: Date.now() - s.mtimeMs, host: pid ? host : undefined, pid: pid ? Number(pid) : undefined }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined // released meanwhile
    throw e
  }
}

function isStale(l: LockInfo): boolean {
  if (l.host === undefined || l.pid === undefined) return l.ageMs > UNREADABLE_STALE_AFTER_MS
  if (l.host === hostname()) return !pidAlive(l.pid)
  return l.ageMs > FOREIGN_STALE_AFTER_MS
}

/**
 * Removes the lock when its holder is gone; true when the caller should retry at once. Breaking
 * happens under a second lock file (`<path>.break`) and re-checks the inode: two waiters that both
 * saw the dead holder must not both unlink, or the second would remove the lock the first had
 * just taken.
 */
async function breakIfStale(path: string): Promise<boolean> {
  const seen = await inspect(path)
  if (seen === undefined) return true
  if (!isStale(seen)) return false
  const breaker = `${path}.break`
  if (!(await tryCreate(breaker))) {
    // A breaker that died inside this microsecond-long section leaves its file: clear it when old.
    const b = await inspect(breaker)
    if (b !== undefined && isStale(b)) await unlink(breaker).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e })
    return false
  }
  try {
    const again = await inspect(path)
    if (again !== undefined && again.ino === seen.ino && isStale(again)) await unlink(path)
  } finally {
    await unlink(breaker)
  }
  return true
}

async function describeHolder(path: string): Promise<string> {
  const l = await inspect(path)
  return l === undefined ? 'nobody (released just now)' : `pid ${l.pid ?? '?'} on host ${l.host ?? '?'}`
}
