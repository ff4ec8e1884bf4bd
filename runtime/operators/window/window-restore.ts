import { shown } from '../../../persistence/shown.ts'
import type { KeyGroup } from '../../../persistence/state-holder.ts'
import { IncompatibleStateError } from './incompatible-state-error.ts'
import { partKeys, type WindowColumnsPart, type WindowStateCodec } from './window-columns.ts'
import { unpackKeys } from './key-table.ts'
import type { WindowGroupState, WindowIdentity, WindowStepState } from './window-snapshot.ts'
import { readStatesPart, type WindowStatesPart } from './window-states-part.ts'

/**
 * Keys and their states, side by side (no pair per key: a restore of 1M keys made 2M of them).
 *
 * @example
 * const ks: KeyStates = { keys: ['u1'], states: [state] }
 */
export interface KeyStates {
  readonly keys: unknown[]
  readonly states: unknown[]
}

/**
 * What a restore hands back to the step: watermark, and keys with their group and state, by
 * ascending key group (within a group in key order).
 *
 * @example
 * for (let i = 0; i < restored.keys.length; i++) register(restored.keys[i], restored.groups[i], restored.states[i])
 */
export interface RestoredWindowState extends KeyStates {
  readonly watermark: number
  readonly maxEventTime: number
  readonly groups: ArrayLike<KeyGroup>
}

/**
 * Checks a window snapshot (version, signature, parameters, key groups) and lists its keys by ascending key
 * group. Accepts any subset of key groups; the watermark is the lowest of theirs (groups from
 * several instances: no record becomes late that would not have been).
 *
 * @example
 * const { watermark, keys } = restoreWindowState('stats/w', '1.0.0', identity, groupOf, state, '1.0.0')
 */
export function restoreWindowState(stateId: string, expectedVersion: string, identity: WindowIdentity, groupOf: (key: unknown) => KeyGroup,
  state: WindowStepState, fromVersion: string, codec?: WindowStateCodec, release?: (state: unknown) => void, maxKeyGroups?: number): RestoredWindowState {
  checkVersion(stateId, fromVersion, expectedVersion)
  if (!(state instanceof Map)) {
    throw new IncompatibleStateError(stateId, `a ${state === null ? 'null' : typeof state}`, `a Map of key groups`, '; this snapshot was not written by a window step')
  }
  let watermark = Infinity
  let maxEventTime = Infinity
  const sorted = [...state.keys()].sort((a, b) => a - b)
  for (const g of sorted) {
    const base = state.get(g)!
    for (const group of [base, ...(base.layers ?? [])]) {
      if (group.signature !== identity.signature) {
        throw new IncompatibleStateError(stateId, `state for '${group.signature}'`, `'${identity.signature}'`,
          '; the window or its aggregates changed since the snapshot — restore with the pipeline that wrote it, or rename the step to start it fresh')
      }
      // Snapshots from before parameters were recorded have none: only the signature can be checked.
      if (group.parameters !== undefined && identity.parameters !== undefined && group.parameters !== identity.parameters) {
        throw new IncompatibleStateError(stateId, `state for windows of ${group.parameters}`, `${identity.parameters}`,
          '; the window\'s options changed since the snapshot and its open windows were cut for the old ones — restore with the pipeline that wrote it, or rename the step to start it fresh')
      }
      if (group.maxKeyGroups !== undefined && maxKeyGroups !== undefined && group.maxKeyGroups !== maxKeyGroups) {
        throw new IncompatibleStateError(stateId, `key group ${g} of a snapshot taken with maxKeyGroups ${group.maxKeyGroups}`, `maxKeyGroups ${maxKeyGroups}`,
          ' — run with the value it was taken with')
      }
    }
    const newest = base.layers?.at(-1) ?? base
    watermark = Math.min(watermark, newest.watermark)
    maxEventTime = Math.min(maxEventTime, newest.maxEventTime)
  }
  const found = codec && [...state.values()].every((g) => g.layers === undefined && g.shared !== undefined)
    ? partsInOrder(stateId, state, codec, groupOf, maxKeyGroups)
    : byGroup(stateId, state, sorted, groupOf, release, new SharedParts(new Set(state.keys()), codec), maxKeyGroups)
  return { watermark: state.size === 0 ? -Infinity : watermark, maxEventTime: state.size === 0 ? -Infinity : maxEventTime, ...found }
}

/** Keys, each one's group and state. */
type FoundKeys = KeyStates & { readonly groups: ArrayLike<KeyGroup> }

/**
 * Every group's keys from its layers, by ascending key group (within a group in key order),
 * each key's group checked against its key.
 */
function byGroup(stateId: string, state: WindowStepState, sorted: readonly KeyGroup[], groupOf: (key: unknown) => KeyGroup,
  release: ((state: unknown) => void) | undefined, shared: SharedParts, maxKeyGroups: number | undefined): FoundKeys {
  const keys: unknown[] = []
  const groups: KeyGroup[] = []
  const states: unknown[] = []
  for (const g of sorted) {
    const base = state.get(g)!
    const found = layeredKeys(stateId, g, [base, ...(base.layers ?? [])], release, shared)
    for (let i = 0; i < found.keys.length; i++) {
      const key = found.keys[i]
      checkGroup(stateId, key, g, groupOf, base.maxKeyGroups !== undefined && base.maxKeyGroups === maxKeyGroups)
      keys.push(key)
      groups.push(g)
      states.push(found.states[i])
    }
  }
  return { keys, groups, states }
}

/**
 * A full snapshot in shared parts (no layers): each part read once and its wanted keys handed
 * back in the part's order, which is the order readRowsPart made their slots in — the step then
 * fills its key columns front to back (in key group order it wrote them 1M slots apart: 1.3 s of
 * a 1M-key restore in WindowKeys.add).
 */
function partsInOrder(stateId: string, state: WindowStepState, codec: WindowStateCodec, groupOf: (key: unknown) => KeyGroup,
  maxKeyGroups: number | undefined): FoundKeys {
  const keys: unknown[] = []
  const groups: KeyGroup[] = []
  const states: unknown[] = []
  // Each part once, with the first key group that names it (for an error message).
  const parts = new Map<WindowColumnsPart, KeyGroup>()
  for (const [g, group] of state) if (!parts.has(group.shared!)) parts.set(group.shared!, g)
  // By key group, those restored: whether a key's group can be taken from its part — written with
  // this maxKeyGroups (checked above for every group) — or is computed again from the key.
  const trusted: boolean[] = []
  for (const [g, group] of state) trusted[g] = group.maxKeyGroups !== undefined && group.maxKeyGroups === maxKeyGroups
  for (const [part, first] of parts) {
    let read: { keys: unknown[]; states: unknown[]; groups: Int32Array }
    try {
      const partGroups = part.groups
      if (!(partGroups instanceof Int32Array)) throw new RangeError('a shared part without the keys\' groups')
      const partKeyList = partKeys(part)
      if (partGroups.length !== partKeyList.length) throw new RangeError(`${partKeyList.length} keys but ${partGroups.length} groups`)
      read = { keys: partKeyList, groups: partGroups, states: codec.read(part, partKeyList, (i) => trusted[partGroups[i]] !== undefined) }
    } catch (e) {
      throw new IncompatibleStateError(stateId, `the shared columns of key group ${first} (${(e as Error).message})`, 'the columns this step writes')
    }
    const byKey = read.groups
    // One part whose every key is restored and trusted (a restore on the instances that wrote it): as it is.
    if (parts.size === 1 && byKey.every((g) => trusted[g] === true)) return { keys: read.keys, groups: byKey, states: read.states }
    for (let i = 0; i < read.keys.length; i++) {
      const g = byKey[i]
      if (trusted[g] === undefined) continue
      checkGroup(stateId, read.keys[i], g, groupOf, trusted[g])
      keys.push(read.keys[i])
      groups.push(g)
      states.push(read.states[i])
    }
  }
  return { keys, groups, states }
}

/** A key must be in the group it was snapshotted under (recomputed unless `trusted`: written with the same maxKeyGroups). */
function checkGroup(stateId: string, key: unknown, g: KeyGroup, groupOf: (key: unknown) => KeyGroup, trusted: boolean): void {
  if (trusted) return
  const own = groupOf(key)
  if (own !== g) {
    throw new IncompatibleStateError(stateId, `key ${shown(key)} in key group ${g}`, `key group ${own}`,
      '; the snapshot was taken with another maxKeyGroups — run with the value it was taken with')
  }
}

/**
 * A group's `[key, state]` pairs after its layers: a layer's dropped keys go, its keys replace
 * the state of a key in place or come last (key creation order, as in the live step).
 */
function layeredKeys(stateId: string, g: KeyGroup, layers: readonly WindowGroupState[],
  release: ((state: unknown) => void) | undefined, shared: SharedParts): KeyStates {
  if (layers.length === 1) return groupKeys(stateId, g, layers[0], shared)
  const base = groupKeys(stateId, g, layers[0], shared)
  const keys = new Map(base.keys.map((k, i) => [k, base.states[i]]))
  for (const layer of layers.slice(1)) {
    for (const key of layer.removed ? unpackKeys(layer.removed) : []) {
      if (keys.has(key)) release?.(keys.get(key))
      keys.delete(key)
    }
    const changed = groupKeys(stateId, g, layer, shared)
    for (let i = 0; i < changed.keys.length; i++) {
      const key = changed.keys[i]
      if (keys.has(key)) release?.(keys.get(key))
      keys.set(key, changed.states[i])
    }
  }
  return { keys: [...keys.keys()], states: [...keys.values()] }
}

/**
 * Parts shared by several key groups, each read once per restore, keeping only the keys of the
 * groups being restored (a rescale reads other instances' parts for a few of their groups).
 */
class SharedParts {
  private readonly read = new Map<WindowColumnsPart | WindowStatesPart, Map<KeyGroup, { keys: unknown[]; states: unknown[] }>>()

  constructor(private readonly wanted: ReadonlySet<KeyGroup>, private readonly codec: WindowStateCodec | undefined) {}

  /**
   * A part of states in objects: read once, its wanted keys by group, each group's in creation
   * order (the part is in slot order; slots are reused, so that is not the keys' order).
   */
  statesOf(part: WindowStatesPart, g: KeyGroup): KeyStates {
    let byGroup = this.read.get(part)
    if (!byGroup) {
      const read = readStatesPart(part, (i) => this.wanted.has(part.groups[i]!))
      const indices = new Map<KeyGroup, number[]>()
      for (let i = 0; i < read.keys.length; i++) {
        const group = read.groups[i]!
        if (!this.wanted.has(group)) continue
        let list = indices.get(group)
        if (!list) indices.set(group, list = [])
        list.push(i)
      }
      byGroup = new Map()
      for (const [group, list] of indices) {
        list.sort((a, b) => read.ords[a]! - read.ords[b]!)
        byGroup.set(group, { keys: list.map((i) => read.keys[i]), states: list.map((i) => read.states[i]) })
      }
      this.read.set(part, byGroup)
    }
    return byGroup.get(g) ?? { keys: [], states: [] }
  }

  keysOf(part: WindowColumnsPart, g: KeyGroup): KeyStates {
    let byGroup = this.read.get(part)
    if (!byGroup) {
      if (!this.codec) throw new RangeError('this step has no column form')
      const groups = part.groups
      if (!(groups instanceof Int32Array)) throw new RangeError('a shared part without the keys\' groups')
      const keys = partKeys(part)
      if (groups.length !== keys.length) throw new RangeError(`${keys.length} keys but ${groups.length} groups`)
      const states = this.codec.read(part, keys, (i) => this.wanted.has(groups[i]))
      byGroup = new Map()
      for (let i = 0; i < keys.length; i++) {
        if (!this.wanted.has(groups[i])) continue
        let list = byGroup.get(groups[i])
        if (!list) byGroup.set(groups[i], list = { keys: [], states: [] })
        list.keys.push(keys[i])
        list.states.push(states[i])
      }
      this.read.set(part, byGroup)
    }
    return byGroup.get(g) ?? { keys: [], states: [] }
  }
}

/** A group's keys and states, from its shared part or its list of `[key, state]`. */
function groupKeys(stateId: string, g: KeyGroup, group: WindowGroupState, shared: SharedParts): KeyStates {
  if (group.shared !== undefined) {
    try {
      return shared.keysOf(group.shared, g)
    } catch (e) {
      throw new IncompatibleStateError(stateId, `key group ${g}'s shared columns (${(e as Error).message})`, 'the columns this step writes')
    }
  }
  if (group.states !== undefined) {
    try {
      return shared.statesOf(group.states, g)
    } catch (e) {
      throw new IncompatibleStateError(stateId, `key group ${g}'s serialized states (${(e as Error).message})`, 'the states this step captures')
    }
  }
  if (!Array.isArray(group.keys)) throw new IncompatibleStateError(stateId, `key group ${g} without keys`, 'a list of [key, state], a shared part or serialized states')
  return { keys: group.keys.map((p) => p[0]), states: group.keys.map((p) => p[1]) }
}

/** Same major, and a minor no newer than this code's (older minors are read as they are). */
function checkVersion(stateId: string, found: string, expected: string): void {
  const f = /^(\d+)\.(\d+)\.\d+/.exec(found)
  const e = /^(\d+)\.(\d+)\.\d+/.exec(expected)!
  if (!f || f[1] !== e[1] || Number(f[2]) > Number(e[2])) {
    throw new IncompatibleStateError(stateId, `version ${found}`, `${e[1]}.x.x up to ${expected}`)
  }
}
