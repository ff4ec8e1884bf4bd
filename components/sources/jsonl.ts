import type { Source } from '../../runtime/contracts/source.ts'
import { checkLineOptions, lineSource } from './line-source.ts'

/** Options of `sources.jsonl`. */
export interface JsonlOptions {
  /** Bytes read per chunk (default 256 KiB); a longer line grows the buffer. */
  readonly chunkSize?: number
}

/**
 * A bounded source of the JSON values in a JSON-lines file, one per line.
 *
 * Lines end with `\n` or `\r\n`; the last may lack one; blank lines are skipped. A line that is
 * not valid JSON is a RecordParseError naming the file, its 1-based line and the byte offset
 * where it starts, handed to the step's error policy (the job fails under 'fail'; 'skip' and
 * dead letters go on with the next line). position() is `{ byte, line }` of the next unread line,
 * also kept in the `<step>/position` StateHolder so a checkpoint resumes exactly there. A missing
 * file fails when the job opens the source (ERR_FILE_OPEN, the fs error as cause).
 *
 * @example
 * pipeline('p').source('events', sources.jsonl('data/events.jsonl')).sink('out', sinks.collect())
 */
export function jsonl<T = unknown>(path: string, options: JsonlOptions = {}): Source<T> {
  const chunkSize = checkLineOptions('jsonl', path, options?.chunkSize)
  return lineSource<T>('jsonl', path, chunkSize, async () => ({ parse: (text) => JSON.parse(text) as T }))
}
