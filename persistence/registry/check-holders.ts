import { parseSemver } from '../checkpoints/parse-semver.ts'
import { shown } from '../shown.ts'
import type { StateHolder } from '../state-holder.ts'
import { InvalidHolderError } from './invalid-holder-error.ts'

/** Versions that are semver for sure, checked without loading semver (see parseSemver: most processes never need it). */
const PLAIN_SEMVER = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})$/

/** Optional members that, when present, must be functions. */
const OPTIONAL_METHODS = ['rescale', 'snapshotChanges', 'applyChanges', 'capture'] as const

/**
 * Checks what a step's `holders()` returned (`from` says whose, e.g. "its Oxi's holders()")
 * against the StateHolder contract, as the job registers them: an array of objects with a
 * stateId `<step>/<part>`, a semver stateVersion (what a restore compares), `snapshot` and
 * `restore` functions, `dependsOn` state ids, and `applyChanges` wherever `snapshotChanges` is
 * given (an incremental checkpoint is restored by folding). Types do not reach JavaScript
 * pipelines: without this, a version that is not semver was accepted for every checkpoint and
 * refused at the restore, and a non-holder failed as a TypeError from inside the runtime.
 *
 * @example
 * checkHolders('p', "its Oxi's holders()", [{ stateId: 'p/h', stateVersion: 'one', snapshot, restore }]) // throws InvalidHolderError
 */
export function checkHolders(step: string, from: string, holders: unknown): StateHolder[] {
  if (!Array.isArray(holders)) throw new InvalidHolderError(step, `${from} returned ${shown(holders)}, not an array of state holders`)
  holders.forEach((h, i) => {
    const problem = holderProblem(step, h)
    if (problem !== undefined) throw new InvalidHolderError(step, `${from} returned, at index ${i}, ${problem}`)
  })
  return holders as StateHolder[]
}

function holderProblem(step: string, h: unknown): string | undefined {
  if (typeof h !== 'object' || h === null) return `${shown(h)}, not a state holder`
  const { stateId, stateVersion, dependsOn } = h as Partial<StateHolder>
  if (!(typeof stateId === 'string' && stateId.startsWith(`${step}/`) && stateId.length > step.length + 1)) {
    return `a holder whose stateId ${shown(stateId)} is not '${step}/<part>' (the step's name, a slash and a name for the state)`
  }
  const it = `holder '${stateId}'`
  if (!(typeof stateVersion === 'string' && (PLAIN_SEMVER.test(stateVersion) || parseSemver(stateVersion) !== null))) {
    return `${it} whose stateVersion ${shown(stateVersion)} is not semver (major.minor.patch, e.g. '1.0.0'): every checkpoint ` +
      'stores it and a restore compares it with the running version'
  }
  const methods = h as Record<string, unknown>
  for (const name of ['snapshot', 'restore']) if (typeof methods[name] !== 'function') return `${it} without a ${name}() function`
  for (const name of OPTIONAL_METHODS) {
    if (methods[name] !== undefined && typeof methods[name] !== 'function') return `${it} whose ${name} is ${shown(methods[name])}, not a function`
  }
  if (methods.snapshotChanges !== undefined && methods.applyChanges === undefined) {
    return `${it} with snapshotChanges() but no applyChanges(): a restore folds the changes into the full state with it`
  }
  if (!(dependsOn === undefined || (Array.isArray(dependsOn) && dependsOn.every((d) => typeof d === 'string')))) {
    return `${it} whose dependsOn ${shown(dependsOn)} is not an array of state ids`
  }
  return undefined
}
