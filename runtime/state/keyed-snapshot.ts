import type { KeyGroup } from '../../persistence/state-holder.ts'
import { decodeBatch, encodeBatch, type EncodedBatch } from '../channels/exchange/columnar-codec.ts'
import { isKeyTable, packKeys, unpackKeys, type KeyTable } from '../operators/window/key-table.ts'

/**
 * One key group of a keyed state, as columns: `keys[i]` holds `values[i]`, last written at
 * `stamps[i]` (present when the state has a TTL). In changes (`snapshotChanges`), `removed` lists
 * the keys gone since (deleted or expired); a full snapshot has none. What a holder folds and
 * restores; a snapshot stores it packed (PackedKeyedGroup).
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
 * A key group as a snapshot stores it: the keys packed (string keys as one text plus lengths),
 * the values in the exchange's columnar form when they are flat — numbers, or plain objects of
 * the same fields holding numbers, strings, booleans or null — else as they are (`clone`).
 * `v8.serialize` then copies a few blocks instead of an object per key (100k `{ n, total, mean,
 * top }`: 23 ms → 9–15 ms to encode and serialize, 4.2 → 3.2 MB, 50–99 → 28–31 ms back).
 *
 * @example
 * const g: PackedKeyedGroup = packGroup({ keys: ['u1'], values: [{ n: 1 }] })
 */
export interface PackedKeyedGroup {
  readonly packedKeys: KeyTable
  readonly encodedValues: EncodedBatch
  readonly stamps?: Float64Array
  readonly removed?: unknown[]
}

/**
 * A keyed state's snapshot (full, or changes): its key groups, those of PACK_FROM keys or more
 * packed (holders restore both forms; code from before packing cannot read packed groups).
 *
 * @example
 * const s: KeyedStateSnapshot = new Map([[17, { keys: ['u1'], values: [3] }]])
 */
export type KeyedStateSnapshot = Map<KeyGroup, KeyedGroupState | PackedKeyedGroup>

/**
 * The group as a snapshot stores it: packed from PACK_FROM keys on. Flat values are copied into
 * columns now; others are kept by reference, as before (the snapshot is serialized before the
 * step handles another record).
 *
 * @example
 * packGroup({ keys: ['a', 'b'], values: [1, 2] }) // { packedKeys: { text: 'ab', … }, encodedValues: { kind: 'columns', … } }
 */
export function packGroup(group: KeyedGroupState, packFrom = PACK_FROM): KeyedGroupState | PackedKeyedGroup {
  // A few keys are smaller as they are: a packed group's typed arrays and column headers cost
  // more than they save (2,000 keys over 128 groups: 22.6 kB as lists, 49.2 kB packed).
  if (group.keys.length < packFrom) return group
  const { stamps, removed } = group
  return { packedKeys: packKeys(group.keys), encodedValues: encodeBatch(group.values).batch, ...(stamps && { stamps }), ...(removed && { removed }) }
}

/** Groups of fewer keys are stored as lists. */
export const PACK_FROM = 64

/**
 * The group's keys and values, whichever form it was stored in; a RangeError naming what is
 * wrong when it is neither.
 *
 * @example
 * unpackGroup(packGroup({ keys: ['a'], values: [1] })) // { keys: ['a'], values: [1] }
 */
export function unpackGroup(group: KeyedGroupState | PackedKeyedGroup): KeyedGroupState {
  if (isPackedGroup(group)) {
    const keys = unpackKeys(group.packedKeys)
    const values = decodeBatch(group.encodedValues)
    if (values.length !== keys.length) throw new RangeError(`${keys.length} keys but ${values.length} values`)
    return { keys, values, ...(group.stamps && { stamps: group.stamps }), ...(group.removed && { removed: group.removed }) }
  }
  if (!Array.isArray(group?.keys) || !Array.isArray(group.values)) throw new RangeError('a key group without keys and values')
  return group
}

/** Whether `value` is a group in its packed form (the CLI prints those unpacked). */
export function isPackedGroup(value: unknown): value is PackedKeyedGroup {
  const g = value as Partial<PackedKeyedGroup> | null
  return typeof g === 'object' && g !== null && isKeyTable(g.packedKeys) && typeof g.encodedValues === 'object' && g.encodedValues !== null
}

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
  for (const [g, packed] of changes) {
    const stored = full.get(g)
    const base = stored && unpackGroup(stored)
    const change = unpackGroup(packed)
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
