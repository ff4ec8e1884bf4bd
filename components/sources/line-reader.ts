import { SourceInputChangedError } from '../../runtime/errors/source-input-changed-error.ts'
import { FileWindow } from './file-window.ts'
import { inputMark, type InputMark } from './input-mark.ts'
import { decodeLines, invalidUtf8Lines, lfIndex, lineText } from './line-texts.ts'
import { openForReading } from './open-for-reading.ts'

/** The lines that start in one chunk of a file, without their `\n` or `\r\n`. */
export interface ChunkLines {
  /** Their texts in file order, blank lines included: text k is line number (first line's + k). */
  readonly texts: string[]
  /** File offset of the first line (equal to `end` when no line starts in the chunk). */
  readonly byte: number
  /** File offset just past the last line and its `\n`: where the next line starts. */
  readonly end: number
  /** Lines (by index into `texts`) whose bytes are not valid UTF-8, with the offset of the first bad byte in the line; absent when all are valid. */
  readonly invalidUtf8?: ReadonlyMap<number, number>
}

const LF = 0x0a
/** Bytes read past a chunk's end with it, to finish its last line in the same read; doubles (up to the chunk size) when too short. */
const LOOKAHEAD = 1024

/**
 * Reads a file by chunks of `chunkSize` bytes: chunk c holds exactly the lines whose first byte
 * lies in [c·chunkSize, (c+1)·chunkSize). Reading one is one positioned read of the chunk, the
 * byte before it (does a line start right at the chunk's first byte?) and a little more to
 * finish the last line; a line longer than that reads on, doubling the window and searching
 * only the new bytes, so reading is linear in the line's length. A chunk that lies inside the
 * last line read (no line starts in it) is answered without reading. So any reader can read
 * any chunk without reading what comes before it. `\r\n` and a last line without `\n` are handled; a
 * UTF-8 byte-order mark at byte 0 is dropped from the first line; lines that are not valid
 * UTF-8 are listed (`invalidUtf8`) for the source to reject. The file size is taken at
 * open: bytes appended later are not read.
 *
 * @example
 * const lines = await LineReader.open('in.jsonl', 65536, 'jsonl')
 * for (let c = 0, chunk; (chunk = await lines.chunk(c, false)) !== undefined; c++) console.log(chunk.texts)
 * await lines.close()
 */
export class LineReader {
  private first = 0 // window index where the last chunk's first line starts
  private scanLine = 0 // lineByte's cursor: line `scanLine` of the last chunk starts at window index scanAt
  private scanAt = 0
  // File bytes [lfFreeFrom, lfFreeTo) hold no LF: the inside of the last line the last full read
  // searched through. A chunk within it starts no line and is answered without a read: inside a
  // line of L bytes the chunks otherwise cost a read each (measured: 10 MB at chunkSize 7,
  // 1.5M reads through the pool, 57 s).
  private lfFreeFrom = 0
  private lfFreeTo = 0
  private lookahead: number
  private closed = false

  private constructor(private readonly window: FileWindow, readonly chunkSize: number) {
    this.lookahead = Math.min(chunkSize, LOOKAHEAD)
  }

  /**
   * Opens `path` and takes its size; a missing file fails here, naming the path (the fs error is
   * the cause). A file cut below that size while it is read fails the read that finds its end
   * (SourceInputChangedError 'shorter', naming `step`) instead of ending the input early.
   */
  static async open(path: string, chunkSize: number, who: string, step = who): Promise<LineReader> {
    const { fh, size } = await openForReading(path, who)
    const shrank = (at: number): SourceInputChangedError => new SourceInputChangedError(step, path, at, 'shorter',
      `step '${step}' (${who} source): '${path}' got shorter while it was read: it had ${size} bytes when the job opened it, and a read ` +
      `at byte ${at} found its end (truncated in place, e.g. logrotate's copytruncate, or rewritten), so the lines after that byte can no longer ` +
      'be read and the job fails rather than end with part of its input; rotate files by renaming them (an open file is read whole), ' +
      'or read a copy, and run the job again (a restore resumes at its last checkpoint if the file is put back)')
    return new LineReader(new FileWindow(fh, size, chunkSize + 1 + Math.min(chunkSize, LOOKAHEAD), undefined, shrank), chunkSize)
  }

  get size(): number {
    return this.window.size
  }

  /**
   * The lines of chunk `c`, or undefined when it starts at or past the end of the file.
   * `perLine`: decode each line on its own (see decodeLines). `then`: the chunk the caller will
   * read next, read ahead while the caller parses this one once the file's reads go through the
   * thread pool (FileWindow.readAhead; while they run on this thread there is nothing to overlap).
   */
  async chunk(c: number, perLine: boolean, then?: number): Promise<ChunkLines | undefined> {
    const a = c * this.chunkSize
    if (this.startsNoLine(c)) {
      // No read ahead from here: one may still be running (a caller that left `then`'s order),
      // and a second would take its buffer. The chunk after the line is read when asked.
      const end = Math.min(a + this.chunkSize, this.size)
      return { texts: [], byte: end, end }
    }
    const w = this.window
    const from = start(a)
    await w.load(from, this.want(c))
    if (a >= this.size) return undefined
    const limit = Math.min(Math.min(a + this.chunkSize, this.size) - from, w.n) // window index of the chunk's end
    // Every search below stops at n, or earlier: the buffer keeps the size of the longest line read
    // so far, and scanning its stale tail for each chunk inside a long line was quadratic in the
    // line's length (an 8 MB line at chunkSize 4096 scanned 17 GB).
    let p = 0
    if (a > 0) {
      // buf[0] is the byte before the chunk: a line starts in the chunk right after its first LF
      // (one at limit - 1 or later starts the line in the next chunk).
      const lf = lfIndex(w.buf, 0, limit - 1)
      if (lf === -1) return { texts: [], byte: from + limit, end: from + limit }
      p = lf + 1
    }
    // The last line starting before `limit` ends at the first LF at or after limit - 1. Each
    // extension doubles the window (not up to the buffer's length, which a long line left large)
    // and only its new bytes are searched, so a line of L bytes costs O(L) reads and scans.
    let lf = lfIndex(w.buf, Math.max(0, limit - 1), w.n)
    while (lf === -1) {
      const searched = w.n
      if ((await w.extend(Math.max(w.n, this.lookahead))) === 0) break // end of the file
      lf = lfIndex(w.buf, searched, w.n)
    }
    const found = lf !== -1
    const end = found ? lf + 1 : w.n
    this.lfFreeFrom = from + Math.max(0, limit - 1)
    this.lfFreeTo = from + (found ? lf : w.n)
    if (end - limit > this.lookahead) this.lookahead = Math.min(this.chunkSize, Math.max(2 * this.lookahead, end - limit))
    this.first = this.scanAt = p
    this.scanLine = 0
    this.readAhead(then)
    const texts = decodeLines(w.buf, p, end, found, perLine)
    if (a === 0 && texts.length > 0 && texts[0].charCodeAt(0) === 0xfeff) texts[0] = texts[0].slice(1)
    const invalidUtf8 = invalidUtf8Lines(w.buf, p, end)
    return invalidUtf8 === undefined ? { texts, byte: from + p, end: from + end } : { texts, byte: from + p, end: from + end, invalidUtf8 }
  }

  /** File offset of line `k` of the last chunk read (its first line is 0): found again by scanning, for error messages. */
  lineByte(k: number): number {
    if (k < this.scanLine) {
      this.scanLine = 0
      this.scanAt = this.first
    }
    for (; this.scanLine < k; this.scanLine++) this.scanAt = this.window.buf.indexOf(LF, this.scanAt) + 1
    return this.window.from + this.scanAt
  }

  /**
   * The line starting at file offset `at` and where the next one starts, or undefined at the end
   * of the file. For headers at open: it reuses the chunk buffer, so call it before `chunk`.
   */
  async line(at: number): Promise<{ text: string; next: number } | undefined> {
    if (at >= this.size) return undefined
    const w = this.window
    await w.load(at, Math.min(w.buf.length, this.size - at))
    for (let searched = 0; ;) {
      const lf = lfIndex(w.buf, searched, w.n)
      if (lf === -1) {
        searched = w.n
        if ((await w.extend(w.buf.length)) > 0) continue
      }
      const text = lineText(w.buf, 0, lf === -1 ? w.n : lf)
      return { text: at === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, next: at + (lf === -1 ? w.n : lf + 1) }
    }
  }

  /** Reads up to `length` bytes at file offset `at` into `into` (one read; fewer at the end of the file). */
  readAt(into: Buffer, length: number, at: number): Promise<number> {
    return this.window.readAt(into, length, at)
  }

  /** The InputMark of file offset `end` of the last chunk read (its `end`, or any line start in it), from the bytes that chunk read. */
  mark(end: number): InputMark {
    return inputMark(this.window.buf, this.window.from, end)
  }

  /** `length` bytes at file offset `at` (fewer only at the end of the file), read synchronously: for a restore's checks, before any chunk is read. */
  bytesAt(at: number, length: number): Buffer {
    const into = Buffer.allocUnsafe(length)
    return into.subarray(0, this.window.readHereAt(into, length, at))
  }

  /** Closes the file; later calls do nothing. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.window.close()
  }

  /** Whether chunk c is known to start no line without reading it: its bytes and the one before lie in [lfFreeFrom, lfFreeTo). */
  private startsNoLine(c: number): boolean {
    const a = c * this.chunkSize
    return a > 0 && a < this.size && a - 1 >= this.lfFreeFrom && Math.min(a + this.chunkSize, this.size) - 1 <= this.lfFreeTo
  }

  /** Starts reading chunk `then` ahead (see FileWindow.readAhead), unless it is past the end or known to start no line. */
  private readAhead(then: number | undefined): void {
    if (then === undefined || then * this.chunkSize >= this.size || this.startsNoLine(then)) return
    this.window.readAhead(start(then * this.chunkSize), this.want(then))
  }

  /** Bytes to read for chunk c: from the byte before it to its end, plus the lookahead. */
  private want(c: number): number {
    const a = c * this.chunkSize
    const from = start(a)
    return Math.max(0, Math.min(Math.min(a + this.chunkSize, this.size) - from + this.lookahead, this.size - from))
  }
}

/** Where reading a chunk starting at byte `a` starts: one byte earlier, to see whether a line starts at `a`. */
function start(a: number): number {
  return a === 0 ? 0 : a - 1
}
