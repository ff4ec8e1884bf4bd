import { StateVersionError } from './state-version-error.ts'
import { parseSemver } from './parse-semver.ts'

/**
 * Whether a snapshot written with state version `found` restores into a holder of version
 * `expected` (docs/architecture.md, "Checkpoints"): the same major and minor → 'same' (patches do not change the
 * schema); the same major and an older minor → 'migrate' (the holder's `restore` gets
 * `fromVersion` and migrates); another major, a newer minor, a newer pre-release of the same
 * minor (1.1.0 into 1.1.0-beta, 1.1.0-rc.2 into 1.1.0-rc.1), or a version that is not semver →
 * StateVersionError naming the step, found and expected.
 *
 * @example
 * checkStateVersion('agg', 'agg/sum', '1.2.0', '1.3.1') // 'migrate'
 * checkStateVersion('agg', 'agg/sum', '2.0.0', '1.3.1') // throws StateVersionError
 */
export function checkStateVersion(step: string, stateId: string, found: string, expected: string): 'same' | 'migrate' {
  const f = parseSemver(found)
  const e = parseSemver(expected)
  if (f === null || e === null) throw new StateVersionError(step, stateId, found, expected, 'not-semver')
  if (f.major !== e.major) throw new StateVersionError(step, stateId, found, expected, 'major')
  if (f.minor > e.minor) throw new StateVersionError(step, stateId, found, expected, 'newer-minor')
  // Of one minor, a pre-release ranks below its release and pre-releases by their identifiers (semver's precedence; the patch aside).
  if (f.minor === e.minor && f.comparePre(e) > 0) throw new StateVersionError(step, stateId, found, expected, 'newer-prerelease')
  return f.minor === e.minor ? 'same' : 'migrate'
}
