import type { KeyGroup } from '../../../persistence/state-holder.ts'
import type { Window, WindowOutput } from '../../contracts/window.ts'
import { IncompatibleStateError } from './incompatible-state-error.ts'
import { rangeOf } from '../../key-groups/key-group-assignment.ts'
import type { KeyEntry } from './window-timers.ts'
import type { OperatorContext } from '../operator.ts'
import type { WindowColumnsCodec, WindowColumnsPart } from './window-columns.ts'

/**
 * One key group of a window step's snapshot. The instance's watermark is written into each of
 * its groups, so a group carries everything it needs when it moves to another instance.
 *
 * @example
 * const g: WindowGroupState = { watermark: 99, maxEventTime: 100, signature: 'tumbling/collect', keys: [['u1', { windows: [] }]] }
 */
export interface WindowGroupState {
  /** Effective event-time watermark of the instance (−∞ for count and processing-time windows). */
  readonly watermark: number
  /** Highest event time the instance had seen (the generated watermark continues from it). */
  readonly maxEventTime: number
  /** The window type and output fields the states were written for, e.g. `lengthBatch/aggregate(n:count)`. */
  readonly signature: string
  /** `[key, the window's state for it]`, in the order the keys were first seen (or `columns`). */
  readonly keys?: [unknown, unknown][]
  /** The same as raw columns (since 1.1.0, when the window and its aggregates have columns). */
  readonly columns?: WindowColumnsPart
}

/**
 * A window step instance's snapshot: every key group it owns, as plain data.
 *
 * @example
 * const state: WindowStepState = new Map([[17, group]])
 */
export type WindowStepState = Map<KeyGroup, WindowGroupState>

/**
 * Snapshots a window step instance: an entry for every key group it owns (empty ones too, to
 * carry the watermark). With `codec` the states are written as columns (a copy); without, they
 * are included by reference: serialize before the next record.
 *
 * @example
 * const state = snapshotWindowState(ctx, 'tumbling/collect', keys, wm, maxTs)
 */
export function snapshotWindowState(ctx: OperatorContext, signature: string, keys: ReadonlyMap<unknown, KeyEntry>,
  watermark: number, maxEventTime: number, codec?: WindowColumnsCodec): WindowStepState {
  const range = rangeOf(ctx.instance, ctx.maxKeyGroups, ctx.parallelism)
  const byGroup = new Map<KeyGroup, { keys: unknown[]; states: unknown[]; rows: number }>()
  const of = (g: KeyGroup) => {
    let p = byGroup.get(g)
    if (!p) byGroup.set(g, p = { keys: [], states: [], rows: 0 })
    return p
  }
  for (let g = range.start; g <= range.end; g++) of(g)
  // Map order is key creation order (a restore re-creates keys in snapshot order).
  for (const e of keys.values()) {
    const p = of(e.group)
    p.keys.push(e.key)
    p.states.push(e.state)
    if (codec) p.rows += codec.rows(e.state)
  }
  const groups: WindowStepState = new Map()
  for (const [g, p] of byGroup) {
    groups.set(g, codec ? { watermark, maxEventTime, signature, columns: codec.write(p.keys, p.states, p.rows) }
      : { watermark, maxEventTime, signature, keys: p.keys.map((k, i) => [k, p.states[i]]) })
  }
  return groups
}

/**
 * What a window step's state shape depends on besides its version: the window type and the
 * output's fields. A restore refuses state written for another.
 *
 * @example
 * windowSignature(windows.lengthBatch(3), { kind: 'aggregate', aggregates: { n: agg.count() } }) // 'lengthBatch/aggregate(n:count)'
 */
export function windowSignature(window: Window, output: WindowOutput): string {
  const fields = output.kind === 'aggregate' ? `(${Object.entries(output.aggregates).map(([n, a]) => `${n}:${a.kind}`).join(',')})` : ''
  return `${window.type}/${output.kind}${fields}`
}

/**
 * What a restore hands back to the step: watermark, and `[key, group, state]` in key order.
 *
 * @example
 * for (const [key, group, state] of restored.keys) register(key, group, state)
 */
export interface RestoredWindowState {
  readonly watermark: number
  readonly maxEventTime: number
  readonly keys: [unknown, KeyGroup, unknown][]
}

/**
 * Checks a window snapshot (version, signature, key groups) and lists its keys by ascending key
 * group. Accepts any subset of key groups; the watermark is the lowest of theirs (groups from
 * several instances: no record becomes late that would not have been).
 *
 * @example
 * const { watermark, keys } = restoreWindowState('stats/w', '1.0.0', sig, groupOf, state, '1.0.0')
 */
export function restoreWindowState(stateId: string, expectedVersion: string, signature: string, groupOf: (key: unknown) => KeyGroup,
  state: WindowStepState, fromVersion: string, codec?: WindowColumnsCodec): RestoredWindowState {
  checkVersion(stateId, fromVersion, expectedVersion)
  if (!(state instanceof Map)) {
    throw new IncompatibleStateError(stateId, `a ${state === null ? 'null' : typeof state}`, `a Map of key groups`, '; this snapshot was not written by a window step')
  }
  let watermark = Infinity
  let maxEventTime = Infinity
  const keys: [unknown, KeyGroup, unknown][] = []
  for (const g of [...state.keys()].sort((a, b) => a - b)) {
    const group = state.get(g)!
    if (group.signature !== signature) {
      throw new IncompatibleStateError(stateId, `state for '${group.signature}'`, `'${signature}'`,
        '; the window or its aggregates changed since the snapshot — restore with the pipeline that wrote it, or rename the step to start it fresh')
    }
    watermark = Math.min(watermark, group.watermark)
    maxEventTime = Math.min(maxEventTime, group.maxEventTime)
    for (const [key, s] of groupKeys(stateId, g, group, codec)) {
      const own = groupOf(key)
      if (own !== g) {
        throw new IncompatibleStateError(stateId, `key ${JSON.stringify(key)} in key group ${g}`, `key group ${own}`,
          '; the snapshot was taken with another maxKeyGroups — run with the value it was taken with')
      }
      keys.push([key, g, s])
    }
  }
  return { watermark: state.size === 0 ? -Infinity : watermark, maxEventTime: state.size === 0 ? -Infinity : maxEventTime, keys }
}

/** A group's `[key, state]` pairs, from its columns or its list. */
function groupKeys(stateId: string, g: KeyGroup, group: WindowGroupState, codec: WindowColumnsCodec | undefined): [unknown, unknown][] {
  if (group.columns === undefined) {
    if (!Array.isArray(group.keys)) throw new IncompatibleStateError(stateId, `key group ${g} without keys`, 'a list of [key, state] or columns')
    return group.keys
  }
  if (!codec) throw new IncompatibleStateError(stateId, `key group ${g} as columns`, 'a list of [key, state] (this step has no column form)')
  try {
    return codec.read(group.columns)
  } catch (e) {
    throw new IncompatibleStateError(stateId, `key group ${g}'s columns (${(e as Error).message})`, 'the columns this step writes')
  }
}

/** Same major, and a minor no newer than this code's (older minors are read as they are). */
function checkVersion(stateId: string, found: string, expected: string): void {
  const f = /^(\d+)\.(\d+)\.\d+/.exec(found)
  const e = /^(\d+)\.(\d+)\.\d+/.exec(expected)!
  if (!f || f[1] !== e[1] || Number(f[2]) > Number(e[2])) {
    throw new IncompatibleStateError(stateId, `version ${found}`, `${e[1]}.x.x up to ${expected}`)
  }
}
