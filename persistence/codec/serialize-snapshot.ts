import { serialize } from 'node:v8'
import { StateSnapshotError } from './state-snapshot-error.ts'
import { findNonPlain } from './find-non-plain.ts'

/**
 * `v8.serialize` of a holder's snapshot — synchronous, at the barrier (a live object cannot
 * leave its thread for less). Map, Set, typed arrays, BigInt, Date and RegExp survive; class
 * prototypes do not; functions, symbols, WeakMaps and Promises throw: snapshot plain data. With
 * `holder` given, a value v8 refuses becomes a StateSnapshotError naming the step, the state id
 * and where in the snapshot the value is (found by a walk that runs only on failure).
 *
 * @example
 * const raw = serializeSnapshot(holder.snapshot(), { step: 'count', stateId: 'count/totals' })
 */
export function serializeSnapshot(value: unknown, holder?: { readonly step: string; readonly stateId: string }): Uint8Array {
  try {
    return serialize(value)
  } catch (e) {
    if (holder === undefined) throw e
    const found = findNonPlain(value)
    const at = found === undefined ? '' : ` at ${found.path} (${found.what})`
    throw new StateSnapshotError(holder.step, holder.stateId, `v8.serialize cannot take the value it returned${at}: ${(e as Error).message}`, { cause: e })
  }
}
