import type { SnapshotCapture } from '../../../persistence/snapshot-capture.ts'
import type { KeyGroup, StateHolder } from '../../../persistence/state-holder.ts'
import type { OperatorContext } from '../operator.ts'
import type { WindowChanges } from './window-changes.ts'
import type { WindowColumnsPart, WindowStateCodec } from './window-columns.ts'
import { restoreWindowState, type RestoredWindowState } from './window-restore.ts'
import { foldWindowChanges, snapshotWindowState, sharedSnapshot, type WindowChangesSince, type WindowIdentity, type WindowStepState } from './window-snapshot.ts'
import type { WindowStatesPart } from './window-states-part.ts'
import type { KeyEntry } from './window-timers.ts'

/**
 * What a window step's holder reads and sets of its step.
 *
 * @example
 * const step: WindowHolderStep = { ctx, identity, codec, objects, changes, keys, groupOf, watermark: () => wm, maxEventTime: () => max, clear, load, release }
 */
export interface WindowHolderStep {
  readonly ctx: OperatorContext
  readonly identity: WindowIdentity
  readonly codec: WindowStateCodec | undefined
  /** With no codec: the states in objects, captured at a barrier and gathered after it (`changed`: how many changed after an epoch). */
  readonly objects?: { capture(since: number): SnapshotCapture<WindowStatesPart>; changed(since: number): number }
  readonly changes: WindowChanges
  readonly keys: ReadonlyMap<unknown, KeyEntry>
  groupOf(key: unknown): KeyGroup
  watermark(): number
  maxEventTime(): number
  /** Empties the step's storage before a snapshot is read into it (rows are created while reading). */
  clear(): void
  /** Replaces the step's keys, watermark and timers with the restored ones. */
  load(restored: RestoredWindowState): void
  /** A restored state that a later layer replaced. */
  release(state: unknown): void
}

/**
 * The state holder of a window step: keyed (`Map<KeyGroup, …>`), full snapshots and — for
 * incremental checkpoints — the keys changed or dropped since an earlier snapshot of this run.
 * State in columns, or in objects (`objects`), is captured at a barrier (copy-on-write) and
 * gathered after it.
 *
 * @example
 * holders() { return [windowHolder(`${step}/${windowName}`, window.stateVersion, this.stateAccess)] }
 */
export function windowHolder(stateId: string, stateVersion: string, step: WindowHolderStep): StateHolder<WindowStepState> {
  const snapshot = (checkpointId: number | undefined): WindowStepState => {
    const state = snapshotWindowState(step.ctx, step.identity, step.keys, step.watermark(), step.maxEventTime(), step.codec)
    step.changes.took(checkpointId)
    return state
  }
  return {
    stateId,
    stateVersion,
    keyed: true,
    snapshot: (checkpointId) => snapshot(checkpointId),
    snapshotChanges(since, checkpointId) {
      const known = changesSince(step, since)
      if (known === undefined) return undefined
      const { epoch, dropped, gone } = known
      const changes = snapshotWindowState(step.ctx, step.identity, step.keys, step.watermark(), step.maxEventTime(), step.codec, { epoch, dropped })
      if (worthFull(step, changedKeys(changes), gone)) return undefined
      step.changes.took(checkpointId)
      return changes
    },
    capture(checkpointId, since) {
      const codec = step.codec
      const objects = step.objects
      if (codec === undefined && objects === undefined) return undefined
      const watermark = step.watermark()
      const maxEventTime = step.maxEventTime()
      let changes: WindowChangesSince | undefined
      if (since !== undefined) {
        const known = changesSince(step, since)
        if (known === undefined || worthFull(step, (codec ?? objects!).changed(known.epoch), known.gone)) return undefined
        changes = { epoch: known.epoch, dropped: known.dropped }
      }
      const from = changes?.epoch ?? -Infinity
      // State in objects: its states serialized a slice at a time after the barrier; in columns: its rows copied so.
      const part: SnapshotCapture<WindowColumnsPart | WindowStatesPart> = codec === undefined ? objects!.capture(from) : codec.capture(from)
      step.changes.took(checkpointId)
      let state: WindowStepState | undefined
      return {
        step: () => {
          if (state !== undefined) return state
          const gathered = part.step()
          if (gathered === undefined) return undefined
          const where = codec === undefined ? { states: gathered as WindowStatesPart } : { shared: gathered as WindowColumnsPart }
          return state = sharedSnapshot(step.ctx, step.identity, where, watermark, maxEventTime, changes)
        },
      }
    },
    applyChanges: foldWindowChanges,
    restore(state, fromVersion) {
      step.clear()
      step.load(restoreWindowState(stateId, stateVersion, step.identity, step.groupOf, state, fromVersion, step.codec, step.release, step.ctx.maxKeyGroups))
      step.changes.reset()
    },
  }
}

/** The epoch of the snapshot for checkpoint `since` and the keys dropped after it (how many: `gone`); undefined when it is not remembered. */
function changesSince(step: WindowHolderStep, since: number): { epoch: number; dropped: Map<KeyGroup, unknown[]>; gone: number } | undefined {
  const epoch = step.changes.since(since)
  if (epoch === undefined) return undefined
  const dropped = step.changes.droppedSince(epoch)
  let gone = 0
  for (const keys of dropped.values()) gone += keys.length
  return { epoch, dropped, gone }
}

/**
 * Half the keys or more changed or went (every key touched in the interval, short windows over
 * new keys): the changes would save little on a full snapshot and lengthen the chain, so a full
 * one is taken instead.
 */
function worthFull(step: WindowHolderStep, changed: number, gone: number): boolean {
  return 2 * (changed + gone) >= step.keys.size
}

/** Keys a snapshot holds: its shared part's (once), or its groups' lists. */
function changedKeys(state: WindowStepState): number {
  let n = 0
  const parts = new Set<unknown>()
  for (const g of state.values()) {
    if (g.shared) {
      if (!parts.has(g.shared)) n += g.shared.rows.length
      parts.add(g.shared)
    } else {
      n += g.keys?.length ?? 0
    }
  }
  return n
}
