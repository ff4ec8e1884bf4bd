import { open, type FileHandle } from 'node:fs/promises'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'

/**
 * Opens `path` for positioned reads and takes its size. A missing file, or a directory, fails
 * here with ERR_FILE_OPEN naming the path (the fs error is the cause), not at the first read.
 *
 * @example
 * const { fh, size } = await openForReading('in.jsonl', 'jsonl')
 */
export async function openForReading(path: string, who: string): Promise<{ fh: FileHandle; size: number }> {
  const failed = (e: unknown) => new OxiflowError('ERR_FILE_OPEN',
    `${who}: cannot open '${path}' for reading: ${(e as Error).message}; check the path (relative paths start at ${process.cwd()})`,
    { cause: e })
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch (e) {
    throw failed(e)
  }
  // Opening a directory succeeds on Linux and fails only at the first read: refuse it here.
  const stat = await fh.stat().catch(async (e: unknown) => { await fh.close(); throw failed(e) })
  if (stat.isDirectory()) {
    await fh.close()
    throw failed(Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${path}'`), { code: 'EISDIR' }))
  }
  return { fh, size: stat.size }
}
