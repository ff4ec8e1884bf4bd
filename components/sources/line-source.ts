import type { Source, SourceReader } from '../../runtime/contracts/source.ts'
import { invalidOption } from '../../runtime/option-checks.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'
import { LINE_POSITION } from './line-position.ts'
import { LineReader } from './line-reader.ts'
import { SplitReader, type LineParser } from './split-reader.ts'

/**
 * Default chunk size: the unit of parallel reading and of order (the runtime merges splits by
 * chunk number), small enough that a chunk's records make a modest batch (~600 lines of 110
 * bytes), large enough that the per-chunk read and await are noise next to parsing. Measured
 * on 1M JSON lines (110 MB), one thread, best of 5 on a busy 2-core VM: 64 KiB ~190 MB/s,
 * 256 KiB ~170 MB/s, 16 KiB ~175 MB/s.
 *
 * @example
 * jsonl('big.jsonl', { chunkSize: DEFAULT_CHUNK_SIZE * 4 })
 */
export const DEFAULT_CHUNK_SIZE = 64 * 1024

/**
 * Builds a bounded, splittable source that reads a file by chunks of `chunkSize` bytes and
 * parses each line with the parser `start` makes (it may read a header first). Shared by
 * `jsonl` and `csv`. Chunk c holds exactly the lines whose first byte lies in
 * [c·chunkSize, (c+1)·chunkSize); the reader of `ctx.split` = `{ index, count }` reads chunks
 * index, index + count, …, and each `read` returns the records of exactly one of them, in line
 * order, whatever `max` asks — possibly none (no line starts in the chunk, or all its lines are
 * blank or malformed) — then `undefined`. Blank lines are skipped; a line the parser refuses
 * becomes a RecordParseError (file, line, byte) handed to `ctx.reject`, which throws under the
 * step's 'fail' policy or returns, and reading goes on. position() and the reader's StateHolder
 * (`<step>/position`) are a LinePosition; a restore refuses a file cut or replaced since the
 * checkpoint (SourceInputChangedError) and reads lines appended to it.
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
    file: path,
    bounded: true,
    splittable: true,
    state: [LINE_POSITION],
    async open(ctx): Promise<SourceReader<T>> {
      const { index, count } = ctx.split ?? {}
      if (!(Number.isSafeInteger(count) && count >= 1 && Number.isSafeInteger(index) && index >= 0 && index < count)) {
        throw new OxiflowError('ERR_INVALID_SPLIT',
          `${who}(${path}): ctx.split must be { index, count } with integers 0 ≤ index < count (got ${JSON.stringify(ctx.split)}); ` +
          'this is a bug in the code that opened the source')
      }
      const lines = await LineReader.open(path, chunkSize, who, ctx.step)
      try {
        return new SplitReader(lines, await start(lines), path, ctx, who)
      } catch (e) {
        await lines.close()
        throw e
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
    throw invalidOption(who, 'path', 'a non-empty string', path, 'path')
  }
  if (chunkSize === undefined) return DEFAULT_CHUNK_SIZE
  if (!(Number.isSafeInteger(chunkSize) && (chunkSize as number) >= 1 && (chunkSize as number) <= 2 ** 30)) {
    throw invalidOption(who, 'chunkSize', 'an integer number of bytes in [1, 2^30]', chunkSize)
  }
  return chunkSize as number
}
