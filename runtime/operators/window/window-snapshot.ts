import type { KeyGroup } from '../../../persistence/state-holder.ts'
import type { Window, WindowOutput } from '../../contracts/window.ts'
import { rangeOf } from '../../key-groups/key-group-assignment.ts'
import type { KeyEntry } from './window-timers.ts'
import { WindowKeys } from './window-keys.ts'
import type { OperatorContext } from '../operator.ts'
import type { WindowColumnsPart, WindowStateCodec } from './window-columns.ts'
import { packKeys, type KeyTable } from './key-table.ts'
import type { WindowStatesPart } from './window-states-part.ts'

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
  /** The window's `parameters` the states were written for, e.g. `n: 100` (absent in older snapshots, and for windows without them). */
  readonly parameters?: string
  /** `[key, the window's state for it]`, in the order the keys were first seen (or `shared`). */
  readonly keys?: [unknown, unknown][]
  /** Or (since 1.1.0, state kept in columns) this group's keys within a part of the instance's keys, shared by its groups (`groups` says whose). */
  readonly shared?: WindowColumnsPart
  /** Or (states in objects captured after a barrier) this group's keys within a part of the instance's keys and serialized states. */
  readonly states?: WindowStatesPart
  /** The maxKeyGroups the keys' groups were computed with (absent in older snapshots: each key's group is computed again on restore). */
  readonly maxKeyGroups?: number
  /** In a changes snapshot (incremental checkpoint): the keys dropped since the base, in order. */
  readonly removed?: KeyTable
  /** After a restore folded a chain: the changes snapshots of this group to apply, oldest first. */
  layers?: WindowGroupState[]
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
 * carry the watermark). With `codec` (state in columns) the keys are copied into one part the
 * groups share; without, states are included by reference: serialize before the next record.
 *
 * @example
 * const state = snapshotWindowState(ctx, { signature: 'tumbling/collect', parameters: 'size: 60000' }, keys, wm, maxTs)
 */
export function snapshotWindowState(ctx: OperatorContext, identity: WindowIdentity, keys: ReadonlyMap<unknown, KeyEntry>,
  watermark: number, maxEventTime: number, codec?: WindowStateCodec, changes?: WindowChangesSince): WindowStepState {
  const range = rangeOf(ctx.instance, ctx.maxKeyGroups, ctx.parallelism)
  // By key group number (dense), each group's keys and states in key creation order (Map order:
  // a restore re-creates keys in snapshot order).
  const since = changes?.epoch ?? -Infinity
  if (codec) return sharedSnapshot(ctx, identity, { shared: codec.writeAll(since) }, watermark, maxEventTime, changes)
  const byGroup: { keys: unknown[]; states: unknown[] }[] = []
  for (let g = range.start; g <= range.end; g++) byGroup[g] = { keys: [], states: [] }
  const add = (key: unknown, group: KeyGroup, state: unknown): void => {
    const p = byGroup[group] ??= { keys: [], states: [] }
    p.keys.push(key)
    p.states.push(state)
  }
  if (keys instanceof WindowKeys) {
    // The step's key columns, read in place (their entries would be made one per key).
    for (const k of keys.liveSlots()) if (keys.epochs[k] > since) add(keys.keyAt[k], keys.groups[k], keys.state(k))
  } else {
    for (const e of keys.values()) if (e.epoch > since) add(e.key, e.group, e.state)
  }
  const groups: WindowStepState = new Map()
  for (let g = 0; g < byGroup.length; g++) {
    const p = byGroup[g]
    if (p === undefined) continue
    const removed = changes?.dropped.get(g)
    groups.set(g, {
      watermark, maxEventTime, ...identity, maxKeyGroups: ctx.maxKeyGroups, keys: p.keys.map((k, i): [unknown, unknown] => [k, p.states[i]]),
      ...(changes && { removed: packKeys(removed ?? []) }),
    })
  }
  return groups
}

/**
 * A snapshot whose key groups share one part of the instance's keys (`shared` columns, or
 * `states` gathered by a capture): an entry for every key group the instance owns.
 *
 * @example
 * const state = sharedSnapshot(ctx, { signature: 'length/collect', parameters: 'n: 10' }, { states: part }, wm, maxTs)
 */
export function sharedSnapshot(ctx: OperatorContext, identity: WindowIdentity, part: { shared: WindowColumnsPart } | { states: WindowStatesPart },
  watermark: number, maxEventTime: number, changes?: WindowChangesSince): WindowStepState {
  const range = rangeOf(ctx.instance, ctx.maxKeyGroups, ctx.parallelism)
  const groups: WindowStepState = new Map()
  for (let g = range.start; g <= range.end; g++) {
    const removed = changes?.dropped.get(g)
    groups.set(g, { watermark, maxEventTime, ...identity, maxKeyGroups: ctx.maxKeyGroups, ...part, ...(changes && { removed: packKeys(removed ?? []) }) })
  }
  return groups
}

/**
 * What a changes snapshot takes: keys whose entry changed after `epoch`, and the keys dropped
 * since, by key group.
 *
 * @example
 * const changes: WindowChangesSince = { epoch: 3, dropped: new Map([[17, ['u1']]]) }
 */
export interface WindowChangesSince {
  readonly epoch: number
  readonly dropped: ReadonlyMap<KeyGroup, unknown[]>
}

/**
 * Folds a changes snapshot into a full one: each group's changes become a layer of that group,
 * applied in order by restoreWindowState (a group the full one lacks is taken as it is).
 *
 * @example
 * const full = foldWindowChanges(base, changes)
 */
export function foldWindowChanges(full: WindowStepState, changes: WindowStepState): WindowStepState {
  if (!(full instanceof Map) || !(changes instanceof Map)) return changes
  for (const [g, c] of changes) {
    const base = full.get(g)
    if (base) (base.layers ??= []).push(c)
    else full.set(g, c)
  }
  return full
}

/**
 * What a window step's state depends on besides its version: the window type and the output's
 * fields (`signature`), and the window's parameters. A restore refuses state written for others.
 *
 * @example
 * const identity: WindowIdentity = { signature: 'lengthBatch/aggregate(n:count)', parameters: 'n: 3' }
 */
export interface WindowIdentity {
  readonly signature: string
  readonly parameters?: string
}

/**
 * The identity of a window step's state.
 *
 * @example
 * windowIdentity(windows.lengthBatch(3), { kind: 'aggregate', aggregates: { n: agg.count() } }) // { signature: 'lengthBatch/aggregate(n:count)', parameters: 'n: 3' }
 */
export function windowIdentity(window: Window, output: WindowOutput): WindowIdentity {
  const fields = output.kind === 'aggregate' ? `(${Object.entries(output.aggregates).map(([n, a]) => `${n}:${a.kind}`).join(',')})` : ''
  const signature = `${window.type}/${output.kind}${fields}`
  return window.parameters === undefined ? { signature } : { signature, parameters: window.parameters }
}
