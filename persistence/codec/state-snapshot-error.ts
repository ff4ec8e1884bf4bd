import { OxiflowError } from '../oxiflow-error.ts'

/** What to do about a failed snapshot of a hand-written holder (`fix` replaces it for the runtime's own, e.g. ctx.state). */
const HOLDER_FIX = 'snapshot() must return plain data (objects, arrays, Map, Set, Date, RegExp, BigInt, typed arrays; no functions, ' +
  "symbols or class instances); fix the step's state holder"

/**
 * A state holder's snapshot could not be taken: its `snapshot()` threw, or returned a value
 * `v8.serialize` cannot take (a function, a symbol, a WeakMap, a Promise…). Names the step, the
 * state id, what failed and — for a value that cannot be serialized — where in the snapshot it is;
 * then what to do: fix the holder, or `options.fix` where the holder is the runtime's.
 *
 * @example
 * new StateSnapshotError('count', 'count/totals', "v8.serialize failed at .handlers[0] (a function): f(){} could not be cloned.")
 */
export class StateSnapshotError extends OxiflowError {
  override readonly name = 'StateSnapshotError'
  constructor(readonly step: string, readonly stateId: string, readonly problem: string, options?: { cause?: unknown; fix?: string }) {
    super('ERR_STATE_SNAPSHOT', `step '${step}': the snapshot of state '${stateId}' failed: ${problem} — ${options?.fix ?? HOLDER_FIX}`, options)
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
