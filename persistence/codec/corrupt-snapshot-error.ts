import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A snapshot blob failed its checks: bad magic, a damaged header, truncated (expected and found
 * lengths), a checksum mismatch (expected and found crc32), or a payload that does not
 * decompress or deserialize. `where` names the blob (pipeline, checkpoint, step, state id);
 * `problem` says what is wrong; the message adds what to do.
 *
 * @example
 * new CorruptSnapshotError("checkpoint 7 of 'clicks', step 'agg' (agg/sum)", 'checksum mismatch: expected crc32 1234, found 999')
 */
export class CorruptSnapshotError extends OxiflowError {
  override readonly name = 'CorruptSnapshotError'
  constructor(readonly where: string, readonly problem: string, options?: { cause?: unknown }) {
    super('ERR_CORRUPT_SNAPSHOT', `${where}: ${problem} — the blob is damaged; restore an older checkpoint ` +
      `(restore: 'latest' skips damaged ones) or delete this one (oxiflow checkpoints delete)`, options)
  }
}

/**
 * True when `e` is a CorruptSnapshotError.
 *
 * @example
 * if (isCorruptSnapshotError(e)) console.error(e.where, e.problem)
 */
export function isCorruptSnapshotError(e: unknown): e is CorruptSnapshotError {
  return e instanceof CorruptSnapshotError
}
