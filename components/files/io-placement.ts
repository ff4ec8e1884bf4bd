/**
 * A positioned read or write on the calling thread slower than this (ms, plus 1 ms per MB moved)
 * says the file is not in the page cache and its device is slow (a network file system, a cold
 * disk): from then on the file's I/O goes through libuv's thread pool.
 */
export const SLOW_IO_MS = 2

/**
 * Where one file's reads or writes run: on the calling thread (`readSync`, `writeSync`) while
 * they are fast, through libuv's thread pool once one was slow, for the rest of the file's life.
 * A positioned read or write of a chunk to or from the page cache takes microseconds; through the
 * pool it cost the calling thread 25 µs inline and ~110 µs on a busy worker thread (the promise
 * and the wake-ups of two threads), more than the I/O itself (bench/README.md, "File reads and
 * writes on their own thread"). On a slow device the pool lets the thread work while it answers.
 * The price: a device that stops answering mid-read (a hard-mounted NFS server gone) blocks the
 * thread itself, where through the pool a stop could have abandoned the read after the source's
 * grace (the process would still wait for the pool thread at exit).
 *
 * @example
 * const io = new IoPlacement()
 * const n = io.onThread ? io.run(length, () => readSync(fd, buf, 0, length, at)) : (await fh.read(buf, 0, length, at)).bytesRead
 */
export class IoPlacement {
  /** @param here whether I/O starts on the calling thread: only for a regular file (a pipe or a device may block for good). */
  constructor(private here = true) {}

  /** Whether I/O still runs on the calling thread (none was slow yet). */
  get onThread(): boolean {
    return this.here
  }

  /** Runs `io`, a synchronous read or write of `length` bytes, and times it: a slow one moves later I/O to the pool. Returns its result. */
  run(length: number, io: () => number): number {
    const t0 = performance.now()
    const n = io()
    if (performance.now() - t0 > SLOW_IO_MS + length / 1e6) this.here = false
    return n
  }
}
