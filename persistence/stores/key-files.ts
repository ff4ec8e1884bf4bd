import { readdir, rmdir } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'

/**
 * How the file store maps keys to files: each segment but the last is a directory, the last a
 * file named `<segment>=`. '=' is outside the key alphabet, so a key's file can never be the
 * directory of a longer key ('a' and 'a/b' coexist as `a=` and `a/b=`), and files that are not
 * the store's (an editor's backup, `.DS_Store`) are never listed as keys.
 *
 * @example
 * keyFile('/s/data', 'pipelines/p/run') // '/s/data/pipelines/p/run='
 */
export function keyFile(areaDir: string, key: string): string {
  return join(areaDir, ...key.split('/')) + '='
}

/**
 * The keys under `areaDir` that start with `prefix`, sorted. Walks only the deepest directory
 * the prefix names completely ('pipelines/p/check' walks `pipelines/p/`).
 *
 * @example
 * await listKeyFiles('/s/data', 'pipelines/p/') // ['pipelines/p/checkpoints/0000000001/manifest.json', …]
 */
export async function listKeyFiles(areaDir: string, prefix: string): Promise<string[]> {
  const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : ''
  const keys = await walk(join(areaDir, ...dirPart.split('/').filter(Boolean)), dirPart)
  return keys.filter((k) => k.startsWith(prefix)).sort()
}

async function walk(dir: string, keyPrefix: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return [] // nothing under it, or removed while walking
    throw e
  }
  const out: string[] = []
  for (const e of entries) {
    if (e.isDirectory()) out.push(...await walk(join(dir, e.name), `${keyPrefix}${e.name}/`))
    else if (e.isFile() && e.name.endsWith('=') && e.name.length > 1) out.push(keyPrefix + e.name.slice(0, -1))
  }
  return out
}

/**
 * Removes `dir` and its parents while they are empty, stopping at `stopAt` (kept). Deleting
 * checkpoints must not leave one empty directory per checkpoint behind, or every list would
 * walk them. A put racing this (mkdir, then rename into the directory) retries its mkdir and
 * rename when either finds a directory gone: see renameInto.
 *
 * @example
 * await removeEmptyDirs('/s/data/pipelines/p/checkpoints/0000000001', '/s/data')
 */
export async function removeEmptyDirs(dir: string, stopAt: string): Promise<void> {
  for (let d = dir; d.startsWith(stopAt + sep) && d !== stopAt; d = dirname(d)) {
    try {
      await rmdir(d)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return // in use, or gone already
      throw e
    }
  }
}
