import { open, type FileHandle } from 'node:fs/promises'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'

/** Where a line starts: byte offset in the file and 1-based line number. */
export interface LinePosition {
  readonly byte: number
  readonly line: number
}

/** One line of a file, without its `\n` or `\r\n`. */
export interface Line extends LinePosition {
  readonly text: string
}

const LF = 0x0a
const CR = 0x0d

/**
 * Splits a file into lines, reading chunks into one reused buffer. It works on bytes and decodes
 * each complete line, so a multi-byte UTF-8 character cut by a chunk boundary is never split.
 * A line longer than the buffer grows it (doubling). `\r\n` and a last line without `\n` are
 * handled; a UTF-8 byte-order mark at byte 0 is dropped from the first line's text.
 *
 * Reading is split in two so a caller awaits once per chunk, not once per line: `take()` returns
 * the next buffered line synchronously (undefined when the buffer has no complete line), and
 * `fill()` reads the next chunk (false at the end of the file, once nothing is left to take).
 *
 * @example
 * const lines = await LineReader.open('in.jsonl', 65536, 'jsonl')
 * for (;;) { const l = lines.take(); if (l) console.log(l.line, l.text); else if (!(await lines.fill())) break }
 * await lines.close()
 */
export class LineReader {
  private buf: Buffer
  private start = 0 // first unread byte in buf
  private end = 0 // end of the bytes read into buf
  private scanned = 0 // no LF in buf[start, scanned)
  private filePos: number // file offset of buf[end]
  private byte: number // file offset of buf[start]
  private line: number
  private eof = false
  private closed = false

  private constructor(private readonly fh: FileHandle, chunkSize: number, at: LinePosition) {
    this.buf = Buffer.allocUnsafe(chunkSize)
    this.filePos = this.byte = at.byte
    this.line = at.line
  }

  /** Opens `path` for reading; a missing file fails here, naming the path (the fs error is the cause). */
  static async open(path: string, chunkSize: number, who: string): Promise<LineReader> {
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
    return new LineReader(fh, chunkSize, { byte: 0, line: 1 })
  }

  /** Where the next line starts. */
  position(): LinePosition {
    return { byte: this.byte, line: this.line }
  }

  /** Moves to `at` (a position this reader returned); the buffered bytes are dropped. */
  seek(at: LinePosition): void {
    this.start = this.end = this.scanned = 0
    this.filePos = this.byte = at.byte
    this.line = at.line
    this.eof = false
  }

  /** The next complete buffered line, or undefined when `fill()` must read more first. */
  take(): Line | undefined {
    let lf = this.buf.indexOf(LF, this.scanned)
    // Bytes past `end` are stale, left from an earlier chunk: a LF found there does not count.
    if (lf === -1 || lf >= this.end) {
      this.scanned = this.end
      if (!this.eof || this.start === this.end) return undefined
      lf = this.end // the last line of the file has no LF
    }
    let textStart = this.start
    let textEnd = lf
    if (textEnd > textStart && this.buf[textEnd - 1] === CR) textEnd--
    const b = this.buf
    if (this.byte === 0 && textEnd - textStart >= 3 && b[textStart] === 0xef && b[textStart + 1] === 0xbb && b[textStart + 2] === 0xbf) textStart += 3
    const line: Line = { text: this.buf.toString('utf8', textStart, textEnd), byte: this.byte, line: this.line }
    const next = Math.min(lf + 1, this.end)
    this.byte += next - this.start
    this.line++
    this.start = this.scanned = next
    return line
  }

  /** Reads the next chunk. False when the file is exhausted and no line is left to take. */
  async fill(): Promise<boolean> {
    if (this.eof) return false
    if (this.start > 0) {
      // Keep the unread tail (a partial line) at the front, so the chunk lands after it.
      this.buf.copyWithin(0, this.start, this.end)
      this.end -= this.start
      this.scanned -= this.start
      this.start = 0
    } else if (this.end === this.buf.length) {
      // One line fills the whole buffer: grow it rather than fail on long lines.
      const bigger = Buffer.allocUnsafe(this.buf.length * 2)
      this.buf.copy(bigger, 0, 0, this.end)
      this.buf = bigger
    }
    const { bytesRead } = await this.fh.read(this.buf, this.end, this.buf.length - this.end, this.filePos)
    if (bytesRead === 0) {
      this.eof = true
      return this.start < this.end
    }
    this.end += bytesRead
    this.filePos += bytesRead
    return true
  }

  /** Closes the file; later calls do nothing. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.fh.close()
  }
}
