import { randomBytes } from 'node:crypto'
import { readdirSync, unlinkSync } from 'node:fs'
import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pidAlive } from './pid-alive.ts'

/**
 * Writes `bytes` to a new temp file in `tmpDir` (same filesystem as the targets, so a rename
 * moves it atomically), fsyncs it and returns its path. Temp files are 0600 and named
 * `<pid>-<random>.tmp`, so one left by a dead process can be swept.
 *
 * @example
 * const tmp = await writeTempFile('/s/tmp', bytes); await renameInto(tmp, '/s/data/a='); await syncDir('/s/data')
 */
export async function writeTempFile(tmpDir: string, bytes: Uint8Array): Promise<string> {
  const tmp = join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } catch (e) {
    await fh.close()
    await unlink(tmp).catch(() => undefined) // best effort: the write error is what matters
    throw e
  }
  await fh.close()
  return tmp
}

/**
 * Renames a temp file over `path`, creating its directories (0700). A concurrent delete may
 * remove an emptied directory (removeEmptyDirs) between the mkdir and the rename, or between
 * the recursive mkdir creating a parent and creating the child in it, so ENOENT from either
 * retries the pair.
 *
 * @example
 * await renameInto(tmp, '/s/data/pipelines/p/run=')
 */
export async function renameInto(tmp: string, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      await rename(tmp, path)
      return
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 100) throw e
    }
  }
}

/**
 * fsyncs a directory, making a rename or a new entry in it durable.
 *
 * @example
 * await syncDir('/s/data/pipelines/p')
 */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r')
  try {
    await d.sync()
  } finally {
    await d.close()
  }
}

/**
 * Atomic, durable replacement of `path`: temp file + fsync, rename, fsync of the directory (so
 * the rename itself survives a crash). A reader sees the old bytes or the new, never a part.
 *
 * @example
 * await writeFileAtomic('/s/tmp', '/s/records/pipelines/p/run=', Buffer.from(json))
 */
export async function writeFileAtomic(tmpDir: string, path: string, bytes: Uint8Array): Promise<void> {
  const tmp = await writeTempFile(tmpDir, bytes)
  await renameInto(tmp, path)
  await syncDir(dirname(path))
}

/**
 * Deletes temp files in `tmpDir` left by processes of this host that are dead (a crash between
 * writing a temp file and renaming it). They are never visible as values; this only frees space.
 *
 * @example
 * sweepTempFiles('/s/tmp') // 2
 */
export function sweepTempFiles(tmpDir: string): number {
  let swept = 0
  for (const name of readdirSync(tmpDir)) {
    const pid = Number(/^(\d+)-[0-9a-f]+\.tmp$/.exec(name)?.[1])
    if (pid > 0 && pid !== process.pid && !pidAlive(pid)) {
      try {
        unlinkSync(join(tmpDir, name))
        swept++
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e // another process swept it first
      }
    }
  }
  return swept
}
