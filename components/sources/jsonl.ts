import type { Source } from '../../runtime/contracts/source.ts'
import { checkKnownOptions } from '../../runtime/option-checks.ts'
import { checkLineOptions, lineSource } from './line-source.ts'

/** Options of `sources.jsonl`. */
export interface JsonlOptions {
  /**
   * Bytes per chunk (default 64 KiB): the unit of a read, of parallel splits and of positions.
   * A line belongs to the chunk its first byte lies in; a longer line is read whole.
   */
  readonly chunkSize?: number
}

/**
 * A bounded, splittable source of the JSON values in a JSON-lines file, one per line.
 *
 * Lines end with `\n` or `\r\n`; the last may lack one; blank lines are skipped. A line that is
 * not valid JSON is a RecordParseError naming the file, its 1-based line and the byte offset
 * where it starts, handed to the step's error policy (the job fails under 'fail'; 'skip' and
 * dead letters go on with the next line). The file is read by chunks (see `lineSource`): each
 * read returns the values of one chunk, whatever `max` asks, and split i of P reads chunks i,
 * i+P, …, so P threads can read one file. position() and the `<step>/position` StateHolder are
 * a LinePosition: the next chunk (plus, for a single split, the byte and line of the next
 * unread line), so a checkpoint resumes exactly there, with any number of splits. A missing
 * file fails when the job opens the source (ERR_FILE_OPEN, the fs error as cause).
 *
 * @example
 * pipeline('p').source('events', sources.jsonl('data/events.jsonl')).sink('out', sinks.collect())
 */
export function jsonl<T = unknown>(path: string, options: JsonlOptions = {}): Source<T> {
  checkKnownOptions('jsonl', options, { chunkSize: true } satisfies Record<keyof JsonlOptions, true>)
  const chunkSize = checkLineOptions('jsonl', path, options?.chunkSize)
  // JSON.parse copies the strings it returns, so lines may be cut from one decoded chunk.
  return lineSource<T>('jsonl', path, chunkSize, async () => ({ parse: (text) => JSON.parse(text) as T }))
}
