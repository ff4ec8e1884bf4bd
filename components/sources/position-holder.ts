import type { StateHolder } from '../../persistence/state-holder.ts'
import type { DeclaredState } from '../../runtime/contracts/declared-state.ts'
import { StateVersionError } from '../../persistence/checkpoints/state-version-error.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'

/**
 * The holder a source reading through `positionHolder` with the default format registers, as
 * its `Source.state` declares it: `<step>/position`, version 1.0.0 (the schema of a position
 * snapshot unless the source names its own; restore accepts any 1.x). The reader builds its
 * state id from `name` and the holder takes `version`, so the declaration cannot drift from them.
 *
 * @example
 * const source = { kind: 'source', description: 'ticks', bounded: true, state: [SOURCE_POSITION], open }
 * positionHolder(`${ctx.step}/${SOURCE_POSITION.name}`, get, set, check) // stateVersion SOURCE_POSITION.version
 */
export const SOURCE_POSITION: DeclaredState = { name: 'position', version: '1.0.0' }
const VERSION = SOURCE_POSITION.version

/** How a source's position snapshot is versioned: its schema version, and how older majors migrate. */
export interface PositionFormat {
  /** Semver of the snapshot's schema; restore accepts any minor of the same major. */
  readonly version: string
  /**
   * Rewrites a snapshot of an older major version (`fromMajor`) into the current schema; what it
   * cannot rewrite it returns as is, for `check` to refuse. Without it an older major is refused.
   */
  readonly migrate?: (state: unknown, fromMajor: number) => unknown
}

/**
 * A StateHolder for a source's read position: the snapshot is the position as plain data and
 * restore moves the reader there, so a checkpoint resumes the source exactly where it was.
 * `check` returns why a restored value is unusable (or undefined when it is fine): a checkpoint
 * of another source, or a hand-edited one, must fail loudly instead of reading from a wrong place.
 * `format` (default: version 1.0.0, no migration) versions the snapshot's schema. `rescale`,
 * for a splittable source, picks the position a split starts from when the checkpoint was taken
 * with another number of splits (it gets every old split's snapshot); without it such a restore
 * is refused.
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
  format: PositionFormat = { version: VERSION },
  rescale?: (snapshots: readonly S[]) => S,
): StateHolder<S> {
  const major = Number(format.version.split('.')[0])
  return {
    stateId,
    stateVersion: format.version,
    snapshot: get,
    ...(rescale && { rescale }),
    restore(snapshot, fromVersion) {
      const from = Number(fromVersion.split('.')[0])
      let state: unknown = snapshot
      if (from !== major) {
        if (format.migrate === undefined || !Number.isInteger(from) || from > major) {
          throw new StateVersionError(stepOf(stateId), stateId, fromVersion, format.version, Number.isInteger(from) ? 'major' : 'not-semver',
            `${stateId}: cannot restore a source position of state version ${fromVersion}, ${major}.x expected; ` +
            'the checkpoint was probably written by an incompatible oxiflow version: restore from an older checkpoint or start fresh')
        }
        state = format.migrate(state, from)
      }
      const why = check(state)
      if (why !== undefined) {
        throw new OxiflowError('ERR_STATE_INVALID',
          `${stateId}: cannot restore source position ${JSON.stringify(snapshot)}: ${why}; ` +
          'the checkpoint probably belongs to a different source under the same step name')
      }
      set(state as S)
    },
  }
}

/** The step of a state id `${step}/${part}` (the whole id when it has no part). */
function stepOf(stateId: string): string {
  const slash = stateId.lastIndexOf('/')
  return slash === -1 ? stateId : stateId.slice(0, slash)
}
