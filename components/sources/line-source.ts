import type { Source, SourceReader } from '../../runtime/contracts/source.ts'
import { invalidOption } from '../../runtime/option-checks.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'
import { LINE_POSITION } from './line-position.ts'
import { LineReader } from './line-reader.ts'
import { SplitReader, type LineParser } from './split-reader.ts'

/**
 * Default chunk size of a source read by one split: the unit of parallel reading and of order
 * (the runtime merges splits by chunk number), small enough that a chunk's records make a modest
 * batch (~600 lines of 110 bytes), large enough that the per-chunk read and await are noise next
 * to parsing. Measured on 1M JSON lines (110 MB), one thread, best of 5 on a busy 2-core VM:
 * 64 KiB ~190 MB/s, 256 KiB ~170 MB/s, 16 KiB ~175 MB/s.
 *
 * @example
 * jsonl('big.jsonl', { chunkSize: DEFAULT_CHUNK_SIZE * 4 })
 */
export const DEFAULT_CHUNK_SIZE = 64 * 1024

/**
 * Default chunk size of a source read by several splits (on worker threads). Each chunk is a
 * batch, and a batch that crosses to another thread pays per batch — a message each way, its
 * encoding's layout, the receiver's wake-up and merge — so larger chunks pay there: 1M flight
 * lines counted per origin on 2 workers ran 815–830 → 665–698 ms, hourly windows 1,487–1,510 →
 * 1,264–1,281 ms, for ~20 MB more peak RSS (bench/README.md). On one split they do not (+2–7 %).
 */
export const PARALLEL_CHUNK_SIZE = 256 * 1024

/**
 * The chunk size a line source reads with: the one its options give, else the default for its
 * number of splits — unless a restore brings the chunk size of its checkpoint (see SplitReader).
 *
 * @example
 * chunkSizeFor(undefined, 2) // PARALLEL_CHUNK_SIZE
 */
export function chunkSizeFor(option: number | undefined, splits: number): number {
  return option ?? (splits > 1 ? PARALLEL_CHUNK_SIZE : DEFAULT_CHUNK_SIZE)
}

/**
 * Builds a bounded, splittable source that reads a file by chunks of `chunkSize` bytes (undefined:
 * `chunkSizeFor`'s default, and a restore continues with the checkpoint's) and parses each line
 * with the parser `start` makes (it may read a header first). Shared by
 * `jsonl` and `csv`. Chunk c holds exactly the lines whose first byte lies in
 * [c·chunkSize, (c+1)·chunkSize); the reader of `ctx.split` = `{ index, count }` reads chunks
 * index, index + count, …, and each `read` returns the records of exactly one of them, in line
 * order, whatever `max` asks — possibly none (no line starts in the chunk, or all its lines are
 * blank or malformed) — then `undefined`. Blank lines are skipped; a line the parser refuses
 * becomes a RecordParseError (file, line, byte) handed to `ctx.reject`, which throws under the
 * step's 'fail' policy or returns, and reading goes on. position() and the reader's StateHolder
 * (`<step>/position`) are a LinePosition.
 *
 * @example
 * const lines = lineSource('jsonl', 'in.jsonl', undefined, async () => ({ parse: (t) => JSON.parse(t) }))
 */
export function lineSource<T>(
  who: string,
  path: string,
  chunkSize: number | undefined,
  start: (lines: LineReader) => Promise<LineParser<T>>,
): Source<T> {
  return {
    kind: 'source',
    description: `${who}(${path})`,
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
      const lines = await LineReader.open(path, chunkSizeFor(chunkSize, count), who)
      try {
        return new SplitReader(lines, await start(lines), path, ctx, chunkSize === undefined)
      } catch (e) {
        await lines.close()
        throw e
      }
    },
  }
}

/**
 * Checks the arguments jsonl and csv share, naming the source and the rule; returns the chunk
 * size, undefined when the options leave it to the default.
 *
 * @example
 * const chunkSize = checkLineOptions('jsonl', path, options.chunkSize) // throws InvalidOptionError on chunkSize: 0
 */
export function checkLineOptions(who: string, path: unknown, chunkSize: unknown): number | undefined {
  if (typeof path !== 'string' || path === '') {
    throw invalidOption(who, 'path', 'a non-empty string', path, 'path')
  }
  if (chunkSize === undefined) return undefined
  if (!(Number.isSafeInteger(chunkSize) && (chunkSize as number) >= 1 && (chunkSize as number) <= 2 ** 30)) {
    throw invalidOption(who, 'chunkSize', 'an integer number of bytes in [1, 2^30]', chunkSize)
  }
  return chunkSize as number
}
