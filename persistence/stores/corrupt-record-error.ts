import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A record of a store (a run record, a stop request) whose value cannot be read back: not JSON,
 * or without its version. The stores write records whole, so this means an edit by hand or
 * another program. `version` is the version the store holds it at (0 when even that is
 * unreadable): a compare-and-set at it replaces the record, which is how a runner writing its
 * run record, or `oxiflow state cleanup`, gets past it.
 *
 * @example
 * new CorruptRecordError("file store file /srv/.oxiflow/records/pipelines/p/run=", 'not JSON (Unexpected end of JSON input)', 0)
 */
export class CorruptRecordError extends OxiflowError {
  override readonly name = 'CorruptRecordError'
  constructor(readonly where: string, readonly problem: string, readonly version: number) {
    super('ERR_CORRUPT_RECORD', `${where} is unreadable: ${problem}; it was edited or written by another program — ` +
      'oxiflow state cleanup removes an unreadable run record, and a runner rewrites its own')
  }
}

/**
 * True when `e` is a CorruptRecordError.
 *
 * @example
 * if (isCorruptRecordError(e)) console.error(e.where)
 */
export function isCorruptRecordError(e: unknown): e is CorruptRecordError {
  return e instanceof CorruptRecordError
}
