import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A compare-and-set update of a store record lost its race every time it re-read and retried:
 * other writers changed the record `attempts` times in a row.
 *
 * @example
 * // record 'pipelines/clicks/run' in file store /srv/.oxiflow: 50 compare-and-set attempts lost to concurrent writers — ...
 */
export class RecordConflictError extends OxiflowError {
  override readonly name = 'RecordConflictError'
  constructor(readonly key: string, readonly where: string, readonly attempts: number) {
    super('ERR_RECORD_CONFLICT', `record '${key}' in ${where}: ${attempts} compare-and-set attempts lost to concurrent writers — ` +
      'another process rewrites it in a loop; find it with oxiflow runner list and stop it, then retry')
  }
}

/**
 * True when `e` is a RecordConflictError.
 *
 * @example
 * if (isRecordConflictError(e)) console.error(e.key)
 */
export function isRecordConflictError(e: unknown): e is RecordConflictError {
  return e instanceof RecordConflictError
}
