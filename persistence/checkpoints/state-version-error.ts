import { OxiflowError } from '../oxiflow-error.ts'
import { parseSemver } from './parse-semver.ts'

/**
 * Why a snapshot's state version cannot be restored into a holder: another major, a newer minor
 * of the same major, a newer pre-release of the same minor (or its release into a pre-release),
 * or a version that is not semver.
 *
 * @example
 * const why: StateVersionProblem = 'major'
 */
export type StateVersionProblem = 'major' | 'newer-minor' | 'newer-prerelease' | 'not-semver'

/**
 * A snapshot cannot be restored into its state holder because of its state version. Names the
 * step, the state id, the version found in the checkpoint and the one expected, and what can be
 * done: convert through a minor version, restore with the pipeline that wrote it, or start
 * fresh. A holder whose state the user cannot migrate (a source's read position) passes its own
 * `message`, which says what to do instead.
 *
 * @example
 * new StateVersionError('agg', 'agg/sum', '2.0.0', '1.3.0', 'major')
 */
export class StateVersionError extends OxiflowError {
  override readonly name = 'StateVersionError'
  constructor(readonly step: string, readonly stateId: string, readonly found: string, readonly expected: string, readonly problem: StateVersionProblem,
    message = `step '${step}', state '${stateId}': ${explain(step, stateId, found, expected, problem)}`) {
    super('ERR_STATE_VERSION', message)
  }
}

function explain(step: string, stateId: string, found: string, expected: string, problem: StateVersionProblem): string {
  switch (problem) {
    case 'major':
      return `the checkpoint has state version ${found}, this pipeline expects ${expected}: another major cannot be ` +
        `restored as is; ${majorFix(step, stateId, found, expected)}`
    case 'newer-minor':
      return `the checkpoint has state version ${found}, this pipeline expects ${expected}: a newer minor, written by a ` +
        `newer version of the step (holders migrate only from older minors); restore with the pipeline version that wrote it`
    case 'newer-prerelease':
      return `the checkpoint has state version ${found}, this pipeline expects ${expected}: of one minor, a release ranks ` +
        `above its pre-releases and pre-releases by their tags, so the checkpoint was written by a newer version of the step; ` +
        `restore with the pipeline version that wrote it, or raise this pipeline's version to at least ${found}`
    case 'not-semver':
      return `found state version '${found}', expected '${expected}': state versions must be semver (major.minor.patch, ` +
        `e.g. 1.0.0); fix the holder's stateVersion`
  }
}

/**
 * What the user can do about another major. Conversion exists only between minors of one major:
 * `ctx.state`'s `migrate(value, fromVersion)` (its state ids are `<step>/state.<name>`) or a
 * holder's `restore(state, fromVersion)`. State of a newer major was written by a newer pipeline.
 */
function majorFix(step: string, stateId: string, found: string, expected: string): string {
  const f = parseSemver(found)
  const e = parseSemver(expected)
  const rename = ctx(step, stateId) ? 'give the state a new name in ctx.state' : 'give the holder a new stateId'
  const fresh = `or start this state fresh: ${rename} and restore with allowNonRestoredState: true (CLI: ` +
    '--allow-non-restored-state), which drops the old one'
  if (f === null || e === null || f.major > e.major) {
    return `it was written by a newer version of the step: restore with the pipeline version that wrote it, ${fresh}`
  }
  const convert = ctx(step, stateId) ? 'its migrate(value, fromVersion) option' : "the holder's restore(state, fromVersion)"
  return `to convert it, keep major ${f.major} and raise the minor instead (e.g. ${f.major}.${f.minor + 1}.0): a restore ` +
    `hands state of an older minor to ${convert}; or restore with the pipeline version that wrote it; ${fresh}`
}

/** State ids of ctx.state are `<step>/state.<name>`. */
function ctx(step: string, stateId: string): boolean {
  return stateId.startsWith(`${step}/state.`)
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
