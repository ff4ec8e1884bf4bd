import type { StateHolder } from '../../persistence/state-holder.ts'
import type { SourceContext, SourceReader } from '../../runtime/contracts/source.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'
import { RecordParseError } from '../../runtime/errors/record-parse-error.ts'
import { checkInput, mergeMarks, type InputMark } from './input-mark.ts'
import { LineCounter } from './line-counter.ts'
import { checkLinePosition, LINE_POSITION, linePositionFormat, type LinePosition } from './line-position.ts'
import type { LineReader } from './line-reader.ts'
import { positionHolder } from './position-holder.ts'

/** How a line-oriented source turns lines into records, made once per opened reader. */
export interface LineParser<T> {
  /** Parses one non-blank line; throws an Error whose message says why when the line is malformed. */
  parse(text: string): T
  /** Lines starting before this byte are not records (a CSV header and the blank lines before it). */
  readonly firstRecord?: number
  /** True when records may keep substrings of the line's text (split does, JSON.parse copies): lines are then decoded one by one. */
  readonly keepsText?: boolean
}

/**
 * Reads split `index` of `count` of a line file: chunks index, index + count, …, one per
 * `read` (`max` is ignored), parsing each non-blank line with `parser`. A line the parser
 * refuses becomes a RecordParseError (file, exact 1-based line, byte) handed to `ctx.reject`
 * after the chunk's other lines are parsed. Line numbers cost nothing while known (a single
 * split knows them all: it reads every line); otherwise they are counted only on an error,
 * from the last known line (see LineCounter). position() and the `<step>/position` holder are a
 * LinePosition.
 *
 * @example
 * const reader = new SplitReader(lines, { parse: JSON.parse }, 'in.jsonl', ctx, 'jsonl')
 * const firstChunk = await reader.read()
 */
export class SplitReader<T> implements SourceReader<T> {
  private next: number
  private skipBefore: number
  /** With a single split: where the next unread line starts and its number, when known. */
  private frontier: { byte: number; line: number } | undefined
  private readonly counter: LineCounter
  private readonly holder: StateHolder<LinePosition>
  private readonly index: number
  private readonly count: number
  /** Bytes of the lines of the chunks read so far (this run). */
  private bytes = 0
  /** The split read its last chunk. */
  private exhausted = false
  /** The position's `seen`: the mark of the last chunk read, or the restored marks until one is read. */
  private seen: readonly InputMark[] | undefined

  constructor(private readonly lines: LineReader, private readonly parser: LineParser<T>, private readonly path: string,
    private readonly ctx: SourceContext, private readonly who = 'file') {
    this.index = ctx.split.index
    this.count = ctx.split.count
    this.next = this.index
    this.skipBefore = parser.firstRecord ?? 0
    this.frontier = this.count === 1 ? { byte: 0, line: 1 } : undefined
    this.counter = new LineCounter((into, length, at) => lines.readAt(into, length, at))
    this.holder = positionHolder<LinePosition>(`${ctx.step}/${LINE_POSITION.name}`, () => this.position(), (p) => this.restore(p),
      checkLinePosition, linePositionFormat(lines.chunkSize), earliestPosition)
  }

  /** The records of this split's next chunk (possibly none), or undefined when it has no more chunks. */
  async read(): Promise<T[] | undefined> {
    const chunk = await this.lines.chunk(this.next, this.parser.keepsText === true, this.next + this.count)
    if (chunk === undefined) {
      this.exhausted = true
      return undefined
    }
    this.bytes += chunk.end - chunk.byte
    this.next += this.count
    this.seen = [this.lines.mark(chunk.end)]
    const { texts } = chunk
    let line0 = this.counter.known(chunk.byte) // the number of texts[0], if known
    let k = 0
    if (chunk.byte < this.skipBefore) {
      while (k < texts.length && this.lines.lineByte(k) < this.skipBefore) k++
      if (k === texts.length) return []
      const known = this.counter.known(this.lines.lineByte(k))
      if (known !== undefined) line0 ??= known - k
    }
    const out: T[] = []
    let bad: Array<{ k: number; why: string }> | undefined
    for (; k < texts.length; k++) {
      const text = texts[k]
      if (isBlank(text)) continue
      const badByte = chunk.invalidUtf8?.get(k)
      if (badByte !== undefined) {
        (bad ??= []).push({ k, why: `invalid UTF-8 at byte ${badByte} of the line (decoding would replace it with U+FFFD); ` +
          'the file is in another encoding (e.g. Latin-1: convert it with iconv -f latin1 -t utf-8) or damaged' })
        continue
      }
      try {
        out.push(this.parser.parse(text))
      } catch (e) {
        (bad ??= []).push({ k, why: e instanceof Error ? e.message : String(e) })
      }
    }
    if (bad !== undefined) {
      line0 ??= await this.counter.lineAt(chunk.byte)
      for (const { k, why } of bad) {
        const error = new RecordParseError(this.path, line0 + k, this.lines.lineByte(k), why)
        this.ctx.reject(error, error.offset, texts[k]) // throws under 'fail': the job fails
      }
    }
    if (texts.length > 0) {
      if (line0 !== undefined) this.counter.remember(chunk.end, line0 + texts.length)
      if (this.count === 1) this.frontier = line0 === undefined ? undefined : { byte: chunk.end, line: line0 + texts.length }
    }
    return out
  }

  position(): LinePosition {
    const at = { chunk: this.next, chunkSize: this.lines.chunkSize, ...(this.seen && { seen: this.seen }) }
    return this.frontier === undefined ? at : { ...at, ...this.frontier }
  }

  close(): Promise<void> {
    return this.lines.close()
  }

  bytesRead(): number {
    return this.bytes
  }

  /**
   * The bytes this split reads this run: those read so far plus the chunks still to read at
   * their nominal size (a chunk's lines may start a little after its first byte or run past
   * its end), so the total settles on bytesRead() once the split is exhausted. Summed over all
   * splits it is the file's size at open (from the restored position after a restore).
   */
  bytesTotal(): number {
    return this.exhausted ? this.bytes : this.bytes + nominalBytes(this.next, this.count, this.lines.chunkSize, this.lines.size)
  }

  holders(): StateHolder[] {
    return [this.holder]
  }

  private restore(p: LinePosition): void {
    if (p.chunkSize !== undefined && p.chunkSize !== this.lines.chunkSize) {
      throw new OxiflowError('ERR_STATE_INVALID',
        `${this.holder.stateId}: cannot restore source position ${JSON.stringify(p)}: it was taken with chunkSize ${p.chunkSize} ` +
        `and this source reads chunks of ${this.lines.chunkSize} bytes, so its chunk numbers mean other lines; ` +
        `set options.chunkSize to ${p.chunkSize} to resume from this checkpoint`)
    }
    // Before moving: a position in a file that was cut or replaced since must not be resumed from.
    if (p.seen !== undefined) {
      const lines = this.lines
      checkInput(p.seen, { step: this.ctx.step, who: this.who, path: this.path, size: lines.size, split: this.count === 1 ? '' : `, split ${this.index} of ${this.count}`,
        bytesAt: (at, length) => lines.bytesAt(at, length) })
    }
    this.seen = p.seen
    this.next = p.chunk + (((this.index - p.chunk) % this.count) + this.count) % this.count
    this.skipBefore = Math.max(this.parser.firstRecord ?? 0, p.byte ?? 0)
    const known = p.byte !== undefined ? { byte: p.byte, line: p.line! } : p.chunk === 0 ? { byte: 0, line: 1 } : undefined
    if (known !== undefined) this.counter.remember(known.byte, known.line)
    this.frontier = this.count === 1 ? known : undefined
  }
}

/**
 * Where a split resumes when the checkpoint was taken with another number of splits: at the
 * earliest old split's position. At a barrier every old split had read all its chunks below
 * the cut and none at or above it, so the earliest position is the cut itself (or past the
 * file's end), and `{ chunk: C }` resumes any number of splits (see LinePosition). It carries
 * the marks of every old split (`seen`), so the restore checks the file up to each of them.
 */
function earliestPosition(snapshots: readonly LinePosition[]): LinePosition {
  const earliest = snapshots.reduce((a, b) => (typeof b?.chunk === 'number' && b.chunk < a.chunk ? b : a))
  // A `seen` that is not a list is passed on as it is, for checkLinePosition to refuse.
  const bad = snapshots.find((s) => s?.seen !== undefined && !Array.isArray(s.seen))
  const seen = bad !== undefined ? bad.seen : mergeMarks(snapshots.map((s) => s?.seen))
  return seen === undefined ? earliest : { ...earliest, seen }
}

/**
 * Bytes of chunks `from`, `from + step`, … of a file of `size` bytes read by chunks of
 * `chunkSize` (the last chunk is shorter).
 *
 * @example
 * nominalBytes(1, 2, 10, 35) // chunks 1 and 3: 10 + 5
 */
export function nominalBytes(from: number, step: number, chunkSize: number, size: number): number {
  const chunks = Math.ceil(size / chunkSize)
  if (from >= chunks) return 0
  const n = Math.floor((chunks - 1 - from) / step) + 1
  const lastIsShort = (chunks - 1 - from) % step === 0
  return lastIsShort ? (n - 1) * chunkSize + (size - (chunks - 1) * chunkSize) : n * chunkSize
}

/**
 * True for an empty or whitespace-only line, which line sources skip.
 *
 * @example
 * isBlank(' \t') // true
 */
export function isBlank(text: string): boolean {
  // Cheap first: almost every line starts with a printable ASCII character, which no blank line
  // does. No regular expression: a literal evaluated per line made a RegExp object per line.
  if (text.length === 0) return true
  const c = text.charCodeAt(0)
  return !(c > 32 && c < 127) && text.trim() === ''
}
