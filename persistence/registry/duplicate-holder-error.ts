import { OxiflowError } from '../oxiflow-error.ts'

/**
 * Two state holders were registered under one state id in a way that makes their snapshots
 * ambiguous: from different steps, twice for the whole key space, or with overlapping key-group
 * ranges. Names the state id and what clashes.
 *
 * @example
 * new DuplicateHolderError('win/buf', "registered by steps 'win' and 'win2'")
 */
export class DuplicateHolderError extends OxiflowError {
  override readonly name = 'DuplicateHolderError'
  constructor(readonly stateId: string, readonly clash: string) {
    super('ERR_DUPLICATE_HOLDER',
      `state id '${stateId}' is ${clash}; a state id names one holder of one step (one per key-group range ` +
      `for keyed steps): give each holder its own '<step>/<part>' id`)
  }
}

/**
 * True when `e` is a DuplicateHolderError.
 *
 * @example
 * if (isDuplicateHolderError(e)) console.error(e.stateId)
 */
export function isDuplicateHolderError(e: unknown): e is DuplicateHolderError {
  return e instanceof DuplicateHolderError
}
