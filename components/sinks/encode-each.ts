import { RecordEncodeError, type EncodeFailure } from '../../runtime/errors/record-encode-error.ts'

/**
 * Encodes each of `records`, leaving out those `encode` throws for: their failures, or undefined
 * when every record was encoded. A sink writes what was encoded and then throws
 * `encodeFailures`' error, so the step's `onError` takes the bad records alone.
 *
 * @example
 * const { encoded, failures } = encodeEach([{ a: 1 }, { a: 2n }], (r) => JSON.stringify(r)) // failures: [{ index: 1, … }]
 */
export function encodeEach<T, E>(records: readonly T[], encode: (record: T) => E): { encoded: E[]; failures: EncodeFailure[] | undefined } {
  const encoded: E[] = []
  let failures: EncodeFailure[] | undefined
  for (let i = 0; i < records.length; i++) {
    try {
      encoded.push(encode(records[i]))
    } catch (error) {
      (failures ??= []).push({ index: i, error })
    }
  }
  return { encoded, failures }
}

/**
 * Each record as its JSON line (`null` for what JSON cannot represent), joined: one string for a
 * batch, built in one loop when no record throws (the common case pays no try per record).
 *
 * @example
 * jsonLines([{ a: 1 }, undefined]) // { text: '{"a":1}\nnull\n', failures: undefined }
 */
export function jsonLines(records: readonly unknown[]): { text: string; failures: EncodeFailure[] | undefined } {
  let text = ''
  try {
    for (let i = 0; i < records.length; i++) text += (JSON.stringify(records[i]) ?? 'null') + '\n'
    return { text, failures: undefined }
  } catch {
    const { encoded, failures } = encodeEach(records, (r) => (JSON.stringify(r) ?? 'null') + '\n')
    return { text: encoded.join(''), failures }
  }
}

/** The error a sink throws after writing what it could encode: undefined when nothing failed. */
export function encodeFailures(sink: string, format: string, failures: EncodeFailure[] | undefined): RecordEncodeError | undefined {
  return failures === undefined ? undefined : new RecordEncodeError(sink, format, failures)
}
