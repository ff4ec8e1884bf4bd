import { randomBytes } from 'node:crypto'
import { mkdir, open, rename } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * Writes `bytes` to `path` atomically and durably: a temp file in `tmpDir` (same filesystem),
 * fsync, rename over the target, fsync the target's directory (so the rename itself survives a
 * crash). Files 0600, directories 0700.
 *
 * @example
 * await writeAtomic('/data/.oxiflow/tmp', '/data/.oxiflow/data/a/b', bytes)
 */
export async function writeAtomic(tmpDir: string, path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = join(tmpDir, `${process.pid}-${randomBytes(6).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  await syncDir(dirname(path))
}

/** fsyncs a directory (its entries: a rename, a new file). */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r')
  try {
    await d.sync()
  } finally {
    await d.close()
  }
}
