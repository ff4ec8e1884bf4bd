import type { KeyGroup, StateHolder } from '../../../persistence/state-holder.ts'
import type { OperatorContext } from '../operator.ts'
import type { WindowChanges } from './window-changes.ts'
import type { WindowStateCodec } from './window-columns.ts'
import { foldWindowChanges, restoreWindowState, snapshotWindowState, type RestoredWindowState, type WindowStepState } from './window-snapshot.ts'
import type { KeyEntry } from './window-timers.ts'

/**
 * What a window step's holder reads and sets of its step.
 *
 * @example
 * const step: WindowHolderStep = { ctx, signature, codec, changes, keys, groupOf, watermark: () => wm, maxEventTime: () => max, clear, load, release }
 */
export interface WindowHolderStep {
  readonly ctx: OperatorContext
  readonly signature: string
  readonly codec: WindowStateCodec | undefined
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
 *
 * @example
 * holders() { return [windowHolder(`${step}/${windowName}`, window.stateVersion, this.stateAccess)] }
 */
export function windowHolder(stateId: string, stateVersion: string, step: WindowHolderStep): StateHolder<WindowStepState> {
  const snapshot = (checkpointId: number | undefined, epoch?: number): WindowStepState => {
    const changes = epoch === undefined ? undefined : { epoch, dropped: step.changes.droppedSince(epoch) }
    const state = snapshotWindowState(step.ctx, step.signature, step.keys, step.watermark(), step.maxEventTime(), step.codec, changes)
    step.changes.took(checkpointId)
    return state
  }
  return {
    stateId,
    stateVersion,
    keyed: true,
    snapshot: (checkpointId) => snapshot(checkpointId),
    snapshotChanges(since, checkpointId) {
      const epoch = step.changes.since(since)
      return epoch === undefined ? undefined : snapshot(checkpointId, epoch)
    },
    applyChanges: foldWindowChanges,
    restore(state, fromVersion) {
      step.clear()
      step.load(restoreWindowState(stateId, stateVersion, step.signature, step.groupOf, state, fromVersion, step.codec, step.release))
      step.changes.reset()
    },
  }
}
