import { StateSnapshotError } from '../../persistence/codec/state-snapshot-error.ts'
import { shown } from '../../persistence/shown.ts'
import { findUnsnapshottable } from './find-unsnapshottable.ts'
import { unpackGroup, type KeyedStateSnapshot } from './keyed-snapshot.ts'

/**
 * What to do when a keyed state (ctx.state, `.reduce`) holds what no checkpoint can: the holder
 * is the runtime's, so the step's author keeps plain data in it — its writes are checked
 * (StateValueError), but an object got from the state and changed in place is seen only here.
 */
const FIX = 'keep plain data in the state (numbers, strings, objects, arrays, Map, Set, Date…; no functions, symbols, WeakMaps ' +
  'or Promises): writes are checked, but an object got from the state and changed in place afterwards is seen only at the checkpoint'

/**
 * The StateSnapshotError of a keyed state whose value of `key` could not be copied (`cause`):
 * naming the state, the key and where in the value the culprit is, with the ctx.state fix.
 *
 * @example
 * throw uncopiedValue({ step: 'st', stateId: 'st/state.v' }, 'u1', { f: () => 1 }, e) // … the value of key "u1" cannot be copied (a function at .f: …)
 */
export function uncopiedValue(where: { readonly step: string; readonly stateId: string }, key: unknown, value: unknown, cause: unknown): StateSnapshotError {
  const found = findUnsnapshottable(value, Infinity, 1_000)
  const at = found === undefined ? '' : `${found.what}${found.path === '' ? '' : ` at ${found.path}`}: `
  return new StateSnapshotError(where.step, where.stateId, `the value of key ${shown(key)} cannot be copied (${at}${(cause as Error).message})`, { cause, fix: FIX })
}

/**
 * A copy of a keyed state's changes (`snapshotChanges`), the capture's own. A value that cannot
 * be copied fails it: the StateSnapshotError of the first such value (uncopiedValue), or of the
 * changes as a whole.
 *
 * @example
 * const own = copiedChanges({ step: 'st', stateId: 'st/state.v' }, holder.snapshotChanges(6, 7)!)
 */
export function copiedChanges(where: { readonly step: string; readonly stateId: string }, changes: KeyedStateSnapshot): KeyedStateSnapshot {
  try {
    return structuredClone(changes)
  } catch (cause) {
    for (const packed of changes.values()) {
      const group = unpackGroup(packed)
      for (let i = 0; i < group.values.length; i++) {
        if (findUnsnapshottable(group.values[i], Infinity, 1_000)) throw uncopiedValue(where, group.keys[i], group.values[i], cause)
      }
    }
    throw new StateSnapshotError(where.step, where.stateId, `its changes cannot be copied (${(cause as Error).message})`, { cause, fix: FIX })
  }
}
