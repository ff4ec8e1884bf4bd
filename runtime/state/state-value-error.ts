import { OxiflowError } from '../errors/oxiflow-error.ts'
import { shown } from '../../persistence/shown.ts'

/**
 * An Oxi wrote a value to its per-key state (`ctx.state`) that no checkpoint can hold: a function
 * or a symbol. Refused at the write, naming the step, the state and the key — not at the next
 * checkpoint, where it failed every one (inline) or crashed the worker. It fails the step whatever
 * its onError: it is the Oxi's code, not one record. (A function inside an object is found when
 * the checkpoint copies the value: a StateSnapshotError.)
 *
 * @example
 * new StateValueError('count', 'n', 'u1', 'a function')
 */
export class StateValueError extends OxiflowError {
  override readonly name = 'StateValueError'
  constructor(readonly step: string, readonly state: string, readonly key: unknown, what: string) {
    super('ERR_STATE_VALUE', `step '${step}': state '${state}' was given ${what} for key ${shown(key)}; checkpoints hold plain data ` +
      '(numbers, strings, objects, arrays, Map, Set, Date…), not functions or symbols — store the data the function needs instead')
  }
}

/**
 * True for a StateValueError.
 *
 * @example
 * job.done.catch((e) => { if (isStateValueError(e.cause)) console.error(e.cause.key) })
 */
export function isStateValueError(e: unknown): e is StateValueError {
  return e instanceof StateValueError
}
