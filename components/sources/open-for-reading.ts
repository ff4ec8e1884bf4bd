import { open, stat as statPath, type FileHandle } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'

/**
 * Opens `path` for positioned reads and takes its size. A missing file, or a directory, fails
 * here with ERR_FILE_OPEN naming the path (the fs error is the cause), not at the first read.
 * A named pipe (FIFO), socket or device is refused before it is opened: file sources read byte
 * ranges (splits) and resume from byte offsets, which a stream of bytes cannot give — and an
 * open() of a FIFO without a writer blocks a libuv thread for good (the job hung, and even
 * process.exit waited for that thread).
 *
 * @example
 * const { fh, size } = await openForReading('in.jsonl', 'jsonl')
 */
export async function openForReading(path: string, who: string): Promise<{ fh: FileHandle; size: number }> {
  const failed = (e: unknown) => new OxiflowError('ERR_FILE_OPEN',
    `${who}: cannot open '${path}' for reading: ${(e as Error).message}; check the path (relative paths start at ${process.cwd()})`,
    { cause: e })
  // stat() does not open: it answers at once for a FIFO, where open() would wait for a writer.
  const before = await statPath(path).catch((e: unknown) => { throw failed(e) })
  refuseStream(before, path, who)
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

function refuseStream(stat: Stats, path: string, who: string): void {
  const kind = stat.isFIFO() ? 'a named pipe (FIFO)' : stat.isSocket() ? 'a socket' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : undefined
  if (kind === undefined) return
  throw new OxiflowError('ERR_FILE_OPEN', `${who}: '${path}' is ${kind}, not a regular file: file sources read byte ranges in parallel ` +
    'splits and resume from a byte offset after a restore, which a stream cannot do; write the data to a file first, or read the ' +
    'stream with sources.iterable(readline.createInterface({ input: createReadStream(path) })) (not replayable: no exactly-once across restores)')
}
