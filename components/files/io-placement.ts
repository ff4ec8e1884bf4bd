/**
 * A positioned read or write on the calling thread slower than this (ms, plus 1 ms per MB moved)
 * is slow. SLOW_IO_COUNT slow ones among the last SLOW_IO_WINDOW say the file is not in the page
 * cache and its device is slow (a network file system, a cold disk): from then on the file's I/O
 * goes through libuv's thread pool.
 */
export const SLOW_IO_MS = 2

/**
 * How many slow I/Os among the last SLOW_IO_WINDOW move a file to the pool. One alone is more
 * often the thread descheduled mid-read than the device: on 2 busy workers on 2 cores a single
 * read over 2 ms moved the count job's file to the pool, where each 64 KiB read cost its thread
 * ~200 µs instead of ~10 (185 ms of a worker's 1.9 s of CPU, `--cpu-prof`). A cold device makes
 * many reads slow (readahead serves the ones between), and is still caught within a few reads.
 */
export const SLOW_IO_COUNT = 3
export const SLOW_IO_WINDOW = 32

/**
 * Where one file's reads or writes run: on the calling thread (`readSync`, `writeSync`) while
 * they are fast, through libuv's thread pool once several were slow (SLOW_IO_COUNT), for the rest
 * of the file's life.
 * A positioned read or write of a chunk to or from the page cache takes microseconds; through the
 * pool it cost the calling thread 25 µs inline and ~110 µs on a busy worker thread (the promise
 * and the wake-ups of two threads), more than the I/O itself (bench/README.md, "File reads and
 * writes on their own thread"). On a slow device the pool lets the thread work while it answers.
 * The price: a device that stops answering mid-read (a hard-mounted NFS server gone) blocks the
 * thread itself (and a slow device holds it for a few reads before the switch), where through
 * the pool a stop could have abandoned the read after the source's grace (the process would
 * still wait for the pool thread at exit).
 *
 * @example
 * const io = new IoPlacement()
 * const n = io.onThread ? io.run(length, () => readSync(fd, buf, 0, length, at)) : (await fh.read(buf, 0, length, at)).bytesRead
 */
export class IoPlacement {
  /** I/Os run here so far, and the numbers of the recent slow ones (within SLOW_IO_WINDOW). */
  private count = 0
  private readonly slow: number[] = []

  /** @param here whether I/O starts on the calling thread: only for a regular file (a pipe or a device may block for good). */
  constructor(private here = true) {}

  /** Whether I/O still runs on the calling thread (not enough were slow yet). */
  get onThread(): boolean {
    return this.here
  }

  /**
   * Runs `io`, a synchronous read or write of `length` bytes, and times it: the SLOW_IO_COUNT-th
   * slow one among the last SLOW_IO_WINDOW moves later I/O to the pool. Returns its result.
   */
  run(length: number, io: () => number): number {
    const t0 = performance.now()
    const n = io()
    this.count++
    if (performance.now() - t0 > SLOW_IO_MS + length / 1e6) {
      const slow = this.slow
      slow.push(this.count)
      while (slow[0]! <= this.count - SLOW_IO_WINDOW) slow.shift()
      if (slow.length >= SLOW_IO_COUNT) this.here = false
    }
    return n
  }
}
