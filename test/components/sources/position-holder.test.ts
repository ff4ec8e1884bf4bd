// A source position of another state version is refused with StateVersionError (as every state
// version refusal is), keeping the message that tells a source's user what to do.
import test from 'ava'
import { positionHolder } from '../../../components/sources/position-holder.ts'
import { isStateVersionError } from '../../../persistence/checkpoints/state-version-error.ts'

const holder = (migrate?: (state: unknown, fromMajor: number) => unknown) => {
  let at = 0
  return positionHolder('events/position', () => at, (n: number) => { at = n },
    (s) => Number.isSafeInteger(s) && (s as number) >= 0 ? undefined : 'expected a non-negative integer',
    { version: '2.1.0', ...(migrate && { migrate }) })
}

const refused: Array<[string, string, 'major' | 'not-semver', ((s: unknown) => unknown) | undefined]> = [
  ['an older major without migrate', '1.0.0', 'major', undefined],
  ['a newer major', '3.0.0', 'major', (s) => s],
  ['a version that is not semver', 'x.1.0', 'not-semver', (s) => s],
]
for (const [what, version, problem, migrate] of refused) {
  test(`restore_${what.replaceAll(' ', '_')}_refusedWithStateVersionError`, (t) => {
    const e = t.throws(() => holder(migrate).restore(5, version))
    t.true(isStateVersionError(e))
    if (!isStateVersionError(e)) return
    t.deepEqual([e.code, e.step, e.stateId, e.found, e.expected, e.problem], ['ERR_STATE_VERSION', 'events', 'events/position', version, '2.1.0', problem])
    t.is(e.message, `events/position: cannot restore a source position of state version ${version}, 2.x expected; ` +
      'the checkpoint was probably written by an incompatible oxiflow version: restore from an older checkpoint or start fresh')
  })
}
