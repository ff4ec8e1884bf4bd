const LF = 0x0a
/** Bytes counted per read: large, so counting runs at memchr speed. */
const BLOCK = 1 << 20

/**
 * Line numbers of a file, found only when asked: a reader of a split does not know how many
 * lines precede its chunk, and counting them on the happy path would read the whole file. It
 * keeps one known pair (a line start and its 1-based number), so asking again further on counts
 * only the `\n`s in between; asking before the pair counts from byte 0 again.
 *
 * @example
 * const counter = new LineCounter((into, length, at) => lines.readAt(into, length, at))
 * const line = await counter.lineAt(1234) // 1 + the number of '\n' in bytes [0, 1234)
 */
export class LineCounter {
  private byte = 0
  private line = 1
  private block: Buffer | undefined

  constructor(private readonly read: (into: Buffer, length: number, at: number) => Promise<number>) {}

  /** The number of the line starting at `byte` when this counter knows it without reading, else undefined. */
  known(byte: number): number | undefined {
    return byte === this.byte ? this.line : undefined
  }

  /** Records that the line starting at `byte` is line `line` (a reader that read up to there knows it). */
  remember(byte: number, line: number): void {
    this.byte = byte
    this.line = line
  }

  /** The 1-based number of the line that starts at `byte`: 1 + the `\n`s before it. */
  async lineAt(byte: number): Promise<number> {
    if (byte < this.byte) this.remember(0, 1)
    let line = this.line
    this.block ??= Buffer.allocUnsafe(BLOCK)
    for (let at = this.byte; at < byte;) {
      const n = await this.read(this.block, Math.min(BLOCK, byte - at), at)
      if (n === 0) break // the file shrank: count what is there
      const bytes = n === BLOCK ? this.block : this.block.subarray(0, n)
      for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) line++
      at += n
    }
    this.remember(byte, line)
    return line
  }
}
