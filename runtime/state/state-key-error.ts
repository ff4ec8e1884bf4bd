import { OxiflowError } from '../errors/oxiflow-error.ts'
import { shown } from '../../persistence/shown.ts'
import type { KeyGroupRange } from '../../persistence/key-group-range.ts'

/**
 * An Oxi addressed its per-key state (`ctx.state`) with a record whose key lies in a key group
 * its instance does not own: a made-up record (`{ key: 'global' }`), or one of another step. On
 * several instances each would keep its own copy of that key, and a restore on another worker
 * count would merge them (updates lost), so the access is refused on the spot. It fails the step
 * whatever its onError: it is the Oxi's code, not one record. The message names the step, the
 * state, the key and the instance's key groups.
 *
 * @example
 * new StateKeyError('count', 'n', 'global', 57, 1, 2, { start: 0, end: 63 })
 */
export class StateKeyError extends OxiflowError {
  override readonly name = 'StateKeyError'
  constructor(readonly step: string, readonly state: string, readonly key: unknown, readonly keyGroup: number,
    instance: number, parallelism: number, range: KeyGroupRange) {
    super('ERR_STATE_KEY', `step '${step}': state '${state}' was addressed with key ${shown(key)} (key group ${keyGroup}), which ` +
      `instance ${instance} of ${parallelism} does not own (key groups ${range.start}–${range.end}); ctx.state reaches the key of a ` +
      'record of the step\'s input only — pass the record being handled, and keep state shared by all keys in a holder of your own ' +
      '(holders()) on a step with parallelism 1')
  }
}

/**
 * True for a StateKeyError.
 *
 * @example
 * job.done.catch((e) => { if (isStateKeyError(e.cause)) console.error(e.cause.key) })
 */
export function isStateKeyError(e: unknown): e is StateKeyError {
  return e instanceof StateKeyError
}
