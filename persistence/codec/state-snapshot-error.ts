import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A state holder's snapshot could not be taken: its `snapshot()` threw, or returned a value
 * `v8.serialize` cannot take (a function, a symbol, a WeakMap, a Promise…). Names the step, the
 * state id, what failed and — for a value that cannot be serialized — where in the snapshot it is.
 *
 * @example
 * new StateSnapshotError('count', 'count/totals', "v8.serialize failed at .handlers[0] (a function): f(){} could not be cloned.")
 */
export class StateSnapshotError extends OxiflowError {
  override readonly name = 'StateSnapshotError'
  constructor(readonly step: string, readonly stateId: string, readonly problem: string, options?: { cause?: unknown }) {
    super('ERR_STATE_SNAPSHOT', `step '${step}': the snapshot of state '${stateId}' failed: ${problem} — snapshot() must return plain ` +
      'data (objects, arrays, Map, Set, Date, RegExp, BigInt, typed arrays; no functions, symbols or class instances); fix the ' +
      "step's state holder", options)
  }
}

/**
 * True when `e` is a StateSnapshotError.
 *
 * @example
 * if (isStateSnapshotError(e)) console.error(e.step, e.stateId)
 */
export function isStateSnapshotError(e: unknown): e is StateSnapshotError {
  return e instanceof StateSnapshotError
}
