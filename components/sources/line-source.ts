import type { Source, SourceReader } from '../../runtime/contracts/source.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { RecordParseError } from '../../runtime/errors/record-parse-error.ts'
import { LineReader, type LinePosition } from './line-reader.ts'
import { positionHolder } from './position-holder.ts'

/** How a line-oriented source turns lines into records, made once per opened reader. */
export interface LineParser<T> {
  /** Parses one non-blank line; throws an Error whose message says why when the line is malformed. */
  parse(text: string): T
  /** The first position a record can start at (after a header); restore never seeks before it. */
  readonly firstRecord?: LinePosition
}

/**
 * Default chunk size: large enough that the per-chunk await is noise next to parsing
 * (1M JSON lines: 1.37 s through the source vs 1.23 s for readFile + split + JSON.parse).
 *
 * @example
 * jsonl('big.jsonl', { chunkSize: DEFAULT_CHUNK_SIZE * 4 })
 */
export const DEFAULT_CHUNK_SIZE = 256 * 1024

/**
 * Builds a bounded source that reads a file line by line and parses each line with the parser
 * `start` makes (it may read a header first). Shared by `jsonl` and `csv`: blank lines are
 * skipped; a line the parser refuses becomes a RecordParseError (file, line, byte) handed to
 * `ctx.reject`, which throws under the step's 'fail' policy — that throw leaves `read` as is —
 * or returns, and reading goes on. position() is `{ byte, line }` of the next unread line, and
 * the reader's StateHolder (`<step>/position`) snapshots and restores it.
 *
 * @example
 * const lines = lineSource('jsonl', 'in.jsonl', DEFAULT_CHUNK_SIZE, async () => ({ parse: (t) => JSON.parse(t) }))
 */
export function lineSource<T>(
  who: string,
  path: string,
  chunkSize: number,
  start: (lines: LineReader) => Promise<LineParser<T>>,
): Source<T> {
  return {
    kind: 'source',
    description: `${who}(${path})`,
    bounded: true,
    async open(ctx): Promise<SourceReader<T>> {
      const lines = await LineReader.open(path, chunkSize, who)
      let parser: LineParser<T>
      try {
        parser = await start(lines)
      } catch (e) {
        await lines.close()
        throw e
      }
      const first = parser.firstRecord ?? { byte: 0, line: 1 }
      const holder = positionHolder<LinePosition>(`${ctx.step}/position`, () => lines.position(),
        (at) => lines.seek(at.byte < first.byte ? first : at), checkPosition)
      return {
        async read(max) {
          const out: T[] = []
          while (out.length < max) {
            const line = lines.take()
            if (line === undefined) {
              if (await lines.fill()) continue
              break
            }
            if (isBlank(line.text)) continue
            let record: T
            try {
              record = parser.parse(line.text)
            } catch (e) {
              const error = new RecordParseError(path, line.line, line.byte, e instanceof Error ? e.message : String(e))
              ctx.reject(error, error.offset, line.text)
              continue
            }
            out.push(record)
          }
          return out.length > 0 ? out : undefined
        },
        position: () => lines.position(),
        close: () => lines.close(),
        holders: () => [holder],
      }
    },
  }
}

/**
 * Checks the arguments jsonl and csv share, naming the source and the rule; returns the chunk size.
 *
 * @example
 * const chunkSize = checkLineOptions('jsonl', path, options.chunkSize) // throws InvalidOptionError on chunkSize: 0
 */
export function checkLineOptions(who: string, path: unknown, chunkSize: unknown): number {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidOptionError('path', `${who}: path must be a non-empty string (got ${typeof path === 'string' ? '""' : String(path)})`)
  }
  if (chunkSize === undefined) return DEFAULT_CHUNK_SIZE
  if (!(Number.isSafeInteger(chunkSize) && (chunkSize as number) >= 1 && (chunkSize as number) <= 2 ** 30)) {
    throw new InvalidOptionError('chunkSize', `${who}: options.chunkSize must be an integer number of bytes in [1, 2^30] (got ${String(chunkSize)})`)
  }
  return chunkSize as number
}

/**
 * True for an empty or whitespace-only line, which line sources skip.
 *
 * @example
 * isBlank(' \t') // true
 */
export function isBlank(text: string): boolean {
  // Cheap first: almost every line is non-empty and starts with a non-space character.
  return text.length === 0 || (/^\s/.test(text) && text.trim() === '')
}

function checkPosition(s: unknown): string | undefined {
  const p = s as Partial<LinePosition> | null
  const ok = typeof p === 'object' && p !== null && Number.isSafeInteger(p.byte) && p.byte! >= 0 &&
    Number.isSafeInteger(p.line) && p.line! >= 1
  return ok ? undefined : 'expected { byte, line } with byte ≥ 0 and line ≥ 1'
}
