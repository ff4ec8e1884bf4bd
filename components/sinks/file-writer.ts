import { writeSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import type { SinkWriter } from '../../runtime/contracts/sink.ts'
import { andThen } from '../../runtime/maybe.ts'
import { IoPlacement } from '../files/io-placement.ts'
import { encodeFailures, jsonLines } from './encode-each.ts'

/** How a file writer writes: on this thread, and with the file handle through libuv's pool; at `position`, or where the file is (null: a pipe). */
export interface FileWrites {
  writeHere(fd: number, bytes: Buffer, offset: number, length: number, position: number | null): number
  writeInPool(fh: FileHandle, bytes: Buffer, offset: number, length: number, position: number | null): Promise<number>
}

const nodeWrites: FileWrites = {
  writeHere: (fd, bytes, offset, length, position) => writeSync(fd, bytes, offset, length, position),
  writeInPool: async (fh, bytes, offset, length, position) => (await fh.write(bytes, offset, length, position)).bytesWritten,
}

/**
 * The jsonl sink's writer without checkpoints: each batch becomes its JSON lines, written at once
 * after the previous batch's, to a file opened (and emptied) for it. Writes run on the calling
 * thread while they are fast (IoPlacement: `jsonl → map → jsonl` over 1M flight lines inline
 * 1,060–1,174 → 890–901 ms running), and `write` then returns nothing to wait for. Once several
 * were slow (SLOW_IO_COUNT) they go through the thread pool, chained, so the file stays in batch order even if a
 * caller does not await. `regularFile` false (a pipe, a device such as /dev/stdout piped into
 * another program): the pool from the start, each write where the file is (a pipe cannot seek).
 *
 * @example
 * const writer = fileWriter(await open('out.jsonl', 'w'))
 */
export function fileWriter<T>(fh: FileHandle, regularFile = true, writes: FileWrites = nodeWrites): SinkWriter<T, undefined> {
  // A pipe or a device can block a write for good (a reader that stopped): its writes go to the pool from the start.
  const place = new IoPlacement(regularFile)
  let position = 0
  const at = (): number | null => regularFile ? position : null
  let closed = false
  /** Writes through the pool not finished yet, chained; none while writes run on this thread. */
  let tail: Promise<void> | undefined

  // A write may be partial; loop until the whole batch is written (on this thread) or on its way (in the pool).
  const writeHere = (bytes: Buffer): void => {
    for (let off = 0; off < bytes.length && place.onThread;) {
      const length = bytes.length - off
      const n = place.run(length, () => writes.writeHere(fh.fd, bytes, off, length, at()))
      off += n
      position += n
      if (off < bytes.length && !place.onThread) tail = inPool(bytes.subarray(off))
    }
  }
  const inPool = async (bytes: Buffer): Promise<void> => {
    for (let off = 0; off < bytes.length;) {
      const n = await writes.writeInPool(fh, bytes, off, bytes.length - off, at())
      off += n
      position += n
    }
  }
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await fh.close()
  }

  return {
    write(records) {
      if (records.length === 0) return tail
      const { text, failures } = jsonLines(records)
      const bad = encodeFailures('jsonl sink', 'JSON', failures)
      const bytes = Buffer.from(text)
      if (tail === undefined && place.onThread) {
        writeHere(bytes)
        // What a slow write left to the pool, if any; then the records that could not be encoded, for the step's onError.
        return bad === undefined ? tail : andThen(tail, () => { throw bad })
      }
      tail = (tail ?? Promise.resolve()).then(() => inPool(bytes))
      return bad === undefined ? tail : tail.then(() => { throw bad })
    },
    async end() {
      await tail
      await close()
    },
    async close() {
      // Let a write in flight finish (its error belongs to write()), then release the handle.
      await tail?.catch(() => undefined)
      await close()
    },
  }
}
