import { OxiflowError } from './oxiflow-error.ts'

/**
 * A source could not read a record (malformed JSON line, CSV row with the wrong column count).
 * Names the file, the 1-based line and the byte offset where the line starts.
 *
 * @example
 * new RecordParseError('in.jsonl', 17, 1234, 'Unexpected token }')
 */
export class RecordParseError extends OxiflowError {
  override readonly name = 'RecordParseError'
  constructor(readonly file: string, readonly line: number, readonly byteOffset: number, readonly reason: string) {
    super('ERR_RECORD_PARSE', `${file}: malformed record at line ${line} (byte ${byteOffset}): ${reason}`)
  }

  /** The position as a step error prints it. */
  get offset(): string {
    return `${this.file} line ${this.line} byte ${this.byteOffset}`
  }
}

export function isRecordParseError(e: unknown): e is RecordParseError {
  return e instanceof RecordParseError
}
