import type { StateHolder } from '../../persistence/state-holder.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'

/** Schema of every source position snapshot; restore accepts any 1.x. */
const VERSION = '1.0.0'

/**
 * A StateHolder for a source's read position: the snapshot is the position as plain data and
 * restore moves the reader there, so a checkpoint resumes the source exactly where it was.
 * `check` returns why a restored value is unusable (or undefined when it is fine): a checkpoint
 * of another source, or a hand-edited one, must fail loudly instead of reading from a wrong place.
 *
 * @example
 * let next = 0
 * const holder = positionHolder('events/position', () => next, (n) => { next = n },
 *   (s) => Number.isSafeInteger(s) && (s as number) >= 0 ? undefined : 'expected a non-negative integer')
 */
export function positionHolder<S>(
  stateId: string,
  get: () => S,
  set: (state: S) => void,
  check: (state: unknown) => string | undefined,
): StateHolder<S> {
  return {
    stateId,
    stateVersion: VERSION,
    snapshot: get,
    restore(state, fromVersion) {
      if (fromVersion.split('.')[0] !== VERSION.split('.')[0]) {
        throw new OxiflowError('ERR_STATE_VERSION',
          `${stateId}: cannot restore a source position of state version ${fromVersion}, ${VERSION.split('.')[0]}.x expected; ` +
          'the checkpoint was probably written by an incompatible oxiflow version: restore from an older checkpoint or start fresh')
      }
      const why = check(state)
      if (why !== undefined) {
        throw new OxiflowError('ERR_STATE_INVALID',
          `${stateId}: cannot restore source position ${JSON.stringify(state)}: ${why}; ` +
          'the checkpoint probably belongs to a different source under the same step name')
      }
      set(state)
    },
  }
}
