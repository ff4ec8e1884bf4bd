import type { SnapshotCapture } from './snapshot-capture.ts'

/**
 * The contract every stateful component implements: live state inside an actor that the
 * persistence layer can snapshot and restore.
 *
 * `snapshot()` returns plain data (objects, arrays, Map, Set, typed arrays, BigInt — what
 * `v8.serialize` keeps; no class instances). `restore(state, fromVersion)` receives what a
 * holder with version `fromVersion` snapshotted and migrates it when the minor differs.
 *
 * @example
 * class Counter implements StateHolder<number> {
 *   readonly stateId = 'count/total'
 *   readonly stateVersion = '1.0.0'
 *   n = 0
 *   snapshot() { return this.n }
 *   restore(state: number) { this.n = state }
 * }
 */
export interface StateHolder<S = unknown> {
  /** Stable within the pipeline: `${stepName}/${part}`. */
  readonly stateId: string
  /** Semver of the state's schema. */
  readonly stateVersion: string
  /** State ids that must be restored before this one. */
  readonly dependsOn?: readonly string[]
  /**
   * True when `snapshot()` is a `Map<KeyGroup, S>` and `restore` accepts any set of key groups:
   * the state can then be split and merged by key group when the parallelism changes.
   */
  readonly keyed?: boolean
  /**
   * For unkeyed state that can still follow a change of parallelism (a splittable source's read
   * position): given every old instance's snapshot (by old instance index), the state this
   * instance starts from. Without it (and without `keyed`) a restore with another parallelism
   * is refused.
   */
  rescale?(snapshots: readonly S[], oldParallelism: number): S
  /**
   * Plain data (no class instances), or bytes. Runs synchronously at the barrier. `checkpointId`
   * is the checkpoint it is taken for (absent outside checkpoints: tests, `snapshotAtEnd`).
   */
  snapshot(checkpointId?: number): S
  /**
   * Replaces the live state with `state`, written by a holder of version `fromVersion`. The
   * holder owns `state` from then on (it may keep its objects and arrays as its live state): the
   * persistence layer hands each restore a state of its own.
   */
  restore(state: S, fromVersion: string): void
  /**
   * Incremental checkpoints (optional): what changed since this holder's own snapshot for
   * checkpoint `since` (a full one or changes, taken in this run and committed), for checkpoint
   * `checkpointId`. `undefined` when it cannot say (it took no snapshot for `since`, e.g. right
   * after a restore): a full `snapshot(checkpointId)` is taken instead. Synchronous, at the
   * barrier, like `snapshot`. Keyed holders return a `Map<KeyGroup, …>` of the changed groups.
   */
  snapshotChanges?(since: number, checkpointId: number): S | undefined
  /**
   * Folds `changes` (from `snapshotChanges`) into `full` (from `snapshot`, or an earlier fold) and
   * returns the full state they make: a restore reads a chain full, changes, changes… and
   * restores the fold. Pure apart from reusing `full`; must be given for `snapshotChanges`.
   * Keyed holders: works on any subset of key groups (rescaling folds each old instance's chain).
   */
  applyChanges?(full: S, changes: S): S
  /**
   * Copy-on-write snapshots (optional): marks the state at the barrier and returns the work that
   * builds, after the barrier, what `snapshot(checkpointId)` — with `since`, what
   * `snapshotChanges(since, checkpointId)` — would have returned at it (undefined: as
   * `snapshotChanges` does, it cannot say; a full capture is taken instead). Checkpoints prefer
   * it: the actor stops for the mark only, and the snapshot is built in slices while it goes on.
   */
  capture?(checkpointId: number, since?: number): SnapshotCapture<S> | undefined
}

/** A key group: an integer in [0, maxKeyGroups). Keyed holders snapshot `Map<KeyGroup, S>`. */
export type KeyGroup = number

/** True when `value` implements the StateHolder contract. */
export function isStateHolder(value: unknown): value is StateHolder {
  const v = value as Partial<StateHolder> | null
  return typeof v === 'object' && v !== null && typeof v.stateId === 'string' &&
    typeof v.stateVersion === 'string' && typeof v.snapshot === 'function' && typeof v.restore === 'function'
}
