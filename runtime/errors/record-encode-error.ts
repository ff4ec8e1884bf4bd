import { OxiflowError } from './oxiflow-error.ts'

/** One record of a batch a sink could not encode: its index in the batch and what its encoder threw. */
export interface EncodeFailure {
  readonly index: number
  readonly error: unknown
}

/**
 * A sink could not encode some records of a batch (JSON.stringify of a bigint or of a cycle, a
 * custom `encode` that threw): it wrote every other record of the batch, and the sink step then
 * applies its `onError` to each of these records alone — a bad record no longer fails the good
 * ones beside it. `failures` says which records (by index in the batch) and why.
 *
 * @example
 * throw new RecordEncodeError('jsonl sink', 'JSON', [{ index: 3, error: new TypeError('Do not know how to serialize a BigInt') }])
 */
export class RecordEncodeError extends OxiflowError {
  override readonly name = 'RecordEncodeError'
  constructor(readonly sink: string, readonly format: string, readonly failures: readonly EncodeFailure[]) {
    const first = failures[0]?.error
    const why = first instanceof Error ? first.message : String(first)
    super('ERR_RECORD_ENCODE', `${sink}: cannot encode ${failures.length === 1 ? 'a record' : `${failures.length} records of a batch`} as ${format} ` +
      `(${why}); convert such values before the sink (a .map, e.g. a bigint to a string), or set onError: 'skip' | { deadLetter } on the sink step`)
  }
}

export function isRecordEncodeError(e: unknown): e is RecordEncodeError {
  return e instanceof RecordEncodeError
}
