import { OxiflowError } from './oxiflow-error.ts'

/**
 * A snapshot blob failed its checks: bad magic or header, truncated, or a checksum mismatch.
 * Names the blob (`where`: pipeline, checkpoint, step and state id) and what was found.
 *
 * @example
 * // checkpoint 7 of 'clicks', step 'agg' (agg/sum): checksum mismatch: expected 1234, found 999
 */
export class CorruptSnapshotError extends OxiflowError {
  override readonly name = 'CorruptSnapshotError'
  constructor(readonly where: string, readonly problem: string) {
    super('ERR_CORRUPT_SNAPSHOT', `${where}: ${problem} — the blob is damaged; restore an older checkpoint ` +
      `(restore: 'latest' skips damaged ones) or delete this one (oxiflow checkpoints delete)`)
  }
}

export function isCorruptSnapshotError(e: unknown): e is CorruptSnapshotError {
  return e instanceof CorruptSnapshotError
}
