import { OxiflowError } from '../oxiflow-error.ts'

/**
 * Why a snapshot's state version cannot be restored into a holder: another major, a newer minor
 * of the same major, or a version that is not semver.
 *
 * @example
 * const why: StateVersionProblem = 'major'
 */
export type StateVersionProblem = 'major' | 'newer-minor' | 'not-semver'

/**
 * A snapshot cannot be restored into its state holder because of its state version. Names the
 * step, the state id, the version found in the checkpoint and the one expected, and how to
 * migrate. A holder whose state the user cannot migrate (a source's read position) passes its
 * own `message`, which says what to do instead.
 *
 * @example
 * new StateVersionError('agg', 'agg/sum', '2.0.0', '1.3.0', 'major')
 */
export class StateVersionError extends OxiflowError {
  override readonly name = 'StateVersionError'
  constructor(readonly step: string, readonly stateId: string, readonly found: string, readonly expected: string, readonly problem: StateVersionProblem,
    message = `step '${step}', state '${stateId}': ${explain(step, found, expected, problem)}`) {
    super('ERR_STATE_VERSION', message)
  }
}

function explain(step: string, found: string, expected: string, problem: StateVersionProblem): string {
  switch (problem) {
    case 'major': {
      const major = found.split('.')[0]
      return `the checkpoint has state version ${found}, this pipeline expects ${expected}: another major cannot be ` +
        `restored as is; register migrations: { ${major}: (state) => newState } on step '${step}' to convert it, ` +
        `restore with the pipeline version that wrote it, or start the step fresh`
    }
    case 'newer-minor':
      return `the checkpoint has state version ${found}, this pipeline expects ${expected}: a newer minor, written by a ` +
        `newer version of the step (holders migrate only from older minors); restore with the pipeline version that wrote it`
    case 'not-semver':
      return `found state version '${found}', expected '${expected}': state versions must be semver (major.minor.patch, ` +
        `e.g. 1.0.0); fix the holder's stateVersion`
  }
}

/**
 * True when `e` is a persistence StateVersionError.
 *
 * @example
 * if (isStateVersionError(e)) console.error(e.step, e.found, e.expected)
 */
export function isStateVersionError(e: unknown): e is StateVersionError {
  return e instanceof StateVersionError
}
