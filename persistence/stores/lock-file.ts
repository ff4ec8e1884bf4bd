import { hostname } from 'node:os'
import { open, readFile, stat, unlink } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { pidAlive } from './pid-alive.ts'

/** A lock held longer than this is taken as abandoned (its holder hung or its host is gone). */
const STALE_AFTER_MS = 30_000
const GIVE_UP_AFTER_MS = 20_000

/**
 * A lock shared by processes on one machine: a file created with O_EXCL holding `host pid`.
 * A lock whose process is dead on this host, or older than 30 s, is broken. Sections are short
 * (a record or lease update), so waiters poll every few milliseconds.
 *
 * @example
 * await withLockFile('/data/.oxiflow/.lock', async () => { ... })
 */
export async function withLockFile<T>(path: string, f: () => Promise<T>): Promise<T> {
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600)
      await fh.writeFile(`${hostname()} ${process.pid}`)
      await fh.close()
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      if (await stale(path)) { await unlink(path).catch(() => {}); continue }
      if (Date.now() - started > GIVE_UP_AFTER_MS) throw new Error(`could not take the store lock ${path} within ${GIVE_UP_AFTER_MS} ms; if no oxiflow process uses this store, delete that file`)
      await sleep(Math.min(20, 1 + attempt))
    }
  }
  try {
    return await f()
  } finally {
    await unlink(path).catch(() => {})
  }
}

async function stale(path: string): Promise<boolean> {
  try {
    const [host, pid] = (await readFile(path, 'utf8')).split(' ')
    if (host === hostname() && pid !== undefined && pid !== '' && !pidAlive(Number(pid))) return true
    return Date.now() - (await stat(path)).mtimeMs > STALE_AFTER_MS
  } catch {
    return false // just released, or half-written by its creator: try again
  }
}
