import type { KeyGroup } from '../../persistence/state-holder.ts'

/**
 * One key group of a keyed state's snapshot, as columns: `keys[i]` holds `values[i]`, last
 * written at `stamps[i]` (present when the state has a TTL). In changes (`snapshotChanges`),
 * `removed` lists the keys gone since (deleted or expired); a full snapshot has none.
 *
 * @example
 * const g: KeyedGroupState = { keys: ['u1', 'u2'], values: [3, 1], stamps: new Float64Array([1000, 1200]) }
 */
export interface KeyedGroupState {
  readonly keys: unknown[]
  readonly values: unknown[]
  readonly stamps?: Float64Array
  readonly removed?: unknown[]
}

/**
 * A keyed state's snapshot (full, or changes): its key groups, each as columns.
 *
 * @example
 * const s: KeyedStateSnapshot = new Map([[17, { keys: ['u1'], values: [3] }]])
 */
export type KeyedStateSnapshot = Map<KeyGroup, KeyedGroupState>

/**
 * Folds `changes` into `full` group by group: a changed group's removed keys go, its written
 * keys are replaced or added (in the order changes list them); groups without changes stay as
 * they are, by reference. Works on any subset of key groups. Returns a new map (`full` is not
 * changed).
 *
 * @example
 * foldKeyedChanges(new Map([[1, { keys: ['a'], values: [1] }]]), new Map([[1, { keys: ['b'], values: [2], removed: ['a'] }]]))
 * // Map { 1 => { keys: ['b'], values: [2] } }
 */
export function foldKeyedChanges(full: KeyedStateSnapshot, changes: KeyedStateSnapshot): KeyedStateSnapshot {
  const out: KeyedStateSnapshot = new Map(full)
  for (const [g, change] of changes) {
    const base = full.get(g)
    const at = new Map<unknown, number>()
    const keys: unknown[] = []
    const values: unknown[] = []
    const stamps: number[] = []
    const timed = change.stamps !== undefined || base?.stamps !== undefined
    const put = (key: unknown, value: unknown, stamp: number): void => {
      const i = at.get(key)
      if (i !== undefined) {
        values[i] = value
        stamps[i] = stamp
        return
      }
      at.set(key, keys.length)
      keys.push(key)
      values.push(value)
      stamps.push(stamp)
    }
    const gone = new Set(change.removed ?? [])
    if (base) {
      for (let i = 0; i < base.keys.length; i++) {
        if (!gone.has(base.keys[i])) put(base.keys[i], base.values[i], base.stamps?.[i] ?? Infinity)
      }
    }
    for (let i = 0; i < change.keys.length; i++) put(change.keys[i], change.values[i], change.stamps?.[i] ?? Infinity)
    out.set(g, timed ? { keys, values, stamps: Float64Array.from(stamps) } : { keys, values })
  }
  return out
}
