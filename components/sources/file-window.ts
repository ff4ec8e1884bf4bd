import { readSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { IoPlacement } from '../files/io-placement.ts'

/** How the window reads: positioned reads on this thread, and the file handle's reads through libuv's pool. */
export interface WindowReads {
  readHere(fd: number, into: Buffer, offset: number, length: number, position: number): number
  readInPool(fh: FileHandle, into: Buffer, offset: number, length: number, position: number): Promise<number>
}

const nodeReads: WindowReads = {
  readHere: (fd, into, offset, length, position) => readSync(fd, into, offset, length, position),
  readInPool: async (fh, into, offset, length, position) => (await fh.read(into, offset, length, position)).bytesRead,
}

/**
 * A window on a file's bytes: `buf[0, n)` holds bytes [from, from + n), in a buffer reused from
 * window to window (grown, doubling, when a window needs more). Bytes past `n` in `buf` are
 * stale: searches must stop at `n`, not just discard a match past it — after a long line the
 * buffer stays that long, and scanning its stale tail per window is quadratic.
 *
 * Reads run on the calling thread while they are fast (IoPlacement: 1M JSON lines counted per
 * origin, 64 KiB chunks, inline 801–811 → 652–701 ms running). Once several were slow
 * (SLOW_IO_COUNT) they go through the thread pool, and the next window is read ahead into a
 * second buffer while the caller works on this one, so the device's latency overlaps parsing
 * (without it the thread sat idle ~25 % of the time).
 *
 * @example
 * const w = new FileWindow(fh, size, 65536)
 * await w.load(0, 65536); w.readAhead(65536, 65536) // parse w.buf[0, w.n) meanwhile
 */
export class FileWindow {
  buf: Buffer
  from = 0
  n = 0
  private spare: Buffer | undefined
  private ahead: { from: number; buf: Buffer; done: Promise<number> } | undefined
  private readonly place = new IoPlacement()

  /**
   * `shrank(at)`: the error when a read at offset `at`, below `size`, finds the file's end — it
   * got shorter since it was opened (truncated in place); the window then fails rather than end
   * early with part of the input.
   */
  constructor(private readonly fh: FileHandle, readonly size: number, capacity: number, private readonly reads: WindowReads = nodeReads,
    private readonly shrank: (at: number) => Error = (at) => new Error(`the file got shorter than its ${size} bytes at open: read at ${at} found its end`)) {
    this.buf = Buffer.allocUnsafe(capacity)
  }

  /** Whether reads still run on the calling thread (no read was slow yet). */
  get readsHere(): boolean {
    return this.place.onThread
  }

  /** Makes the window bytes [from, from + want) of the file (fewer at its end), taking them from the read ahead when it read there. */
  async load(from: number, want: number): Promise<void> {
    const ahead = this.ahead
    this.ahead = undefined
    this.from = from
    if (ahead !== undefined) {
      // A read ahead writes into the spare buffer: let it finish even when its bytes are not
      // wanted (a restore moved the reader), and then its failure does not matter either.
      const got = ahead.from === from ? await ahead.done : await ahead.done.catch(() => -1)
      if (ahead.from === from) {
        this.spare = this.buf
        this.buf = ahead.buf
        this.n = got
        return
      }
      this.spare = ahead.buf
    }
    if (want > this.buf.length) this.grow(0, want)
    this.n = await this.fill(this.buf, from, 0, want)
  }

  /** Reads up to `want` more bytes after the window (growing the buffer); how many, 0 at the end of the file. */
  async extend(want: number): Promise<number> {
    want = Math.min(want, this.size - this.from - this.n)
    if (want <= 0) return 0
    if (this.n + want > this.buf.length) this.grow(this.n, this.n + want)
    const got = await this.fill(this.buf, this.from, this.n, want)
    this.n += got
    return got
  }

  /** Starts reading bytes [from, from + want) into the spare buffer, for the next `load(from, …)`; nothing while reads run on this thread. */
  readAhead(from: number, want: number): void {
    if (this.place.onThread) return
    const buf = this.spare !== undefined && this.spare.length >= want ? this.spare : Buffer.allocUnsafe(Math.max(want, this.buf.length))
    this.spare = undefined
    const done = this.fill(buf, from, 0, want)
    done.catch(() => undefined) // the next load() awaits it and sees the failure
    this.ahead = { from, buf, done }
  }

  /** Reads up to `length` bytes at file offset `at` into `into` (one read; fewer at the end of the file). */
  async readAt(into: Buffer, length: number, at: number): Promise<number> {
    return this.reads.readInPool(this.fh, into, 0, length, at)
  }

  /** Reads up to `length` bytes at file offset `at` into `into` on this thread, reading on until `length` or the end of the file (a restore's checks: restore() is synchronous). */
  readHereAt(into: Buffer, length: number, at: number): number {
    let got = 0
    for (let n; got < length && (n = this.reads.readHere(this.fh.fd, into, got, length - got, at + got)) > 0;) got += n
    return got
  }

  /** Closes the file once a read ahead still running has finished (its bytes and failure are not wanted any more). */
  async close(): Promise<void> {
    await this.ahead?.done.catch(() => undefined)
    this.ahead = undefined
    await this.fh.close()
  }

  /** Reads `want` bytes at file offset from + at into buf[at…]; fewer only at the end of the file (its size at open: `shrank` when sooner). */
  private async fill(buf: Buffer, from: number, at: number, want: number): Promise<number> {
    let got = 0
    while (got < want) {
      const offset = at + got
      const length = want - got
      const bytesRead = this.place.onThread ? this.place.run(length, () => this.reads.readHere(this.fh.fd, buf, offset, length, from + offset))
        : await this.reads.readInPool(this.fh, buf, offset, length, from + offset)
      if (bytesRead === 0) {
        if (from + offset < this.size) throw this.shrank(from + offset)
        break
      }
      got += bytesRead
    }
    return got
  }

  /** A bigger buffer (at least double, at least `atLeast`) holding buf[0, keep). */
  private grow(keep: number, atLeast: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, atLeast))
    this.buf.copy(bigger, 0, 0, keep)
    this.buf = bigger
  }
}
