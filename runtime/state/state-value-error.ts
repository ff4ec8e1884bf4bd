import { OxiflowError } from '../errors/oxiflow-error.ts'
import { shown } from '../../persistence/shown.ts'

/** Why a value with a function (or other part no checkpoint holds) is refused, and what to do. */
const PLAIN_DATA = 'checkpoints hold plain data (numbers, strings, objects, arrays, Map, Set, Date…), not functions, symbols, ' +
  'WeakMaps, WeakSets, WeakRefs or Promises — store the data they stand for instead (e.g. a name to look a function up by)'

/**
 * An Oxi wrote a value to its per-key state (`ctx.state`) that no checkpoint can hold — a
 * function, a symbol, a WeakMap, WeakSet, WeakRef or Promise, at the top or nested inside
 * (`what` says where: `a function at .f`) — or a value its state cannot take (`why` says why and
 * what to do: a list update that is no array, an object as a map key). Refused at the write, naming the step, the
 * state and the key — not at the next checkpoint, where it failed every one (inline) or crashed
 * the worker. It fails the step whatever its onError: it is the Oxi's code, not one record.
 *
 * @example
 * new StateValueError('count', 'n', 'u1', 'a function at .f')
 */
export class StateValueError extends OxiflowError {
  override readonly name = 'StateValueError'
  constructor(readonly step: string, readonly state: string, readonly key: unknown, what: string, why: string = PLAIN_DATA) {
    super('ERR_STATE_VALUE', `step '${step}': state '${state}' was given ${what} for key ${shown(key)}; ${why}`)
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
