import { findNonPlain } from '../codec/find-non-plain.ts'
import { StateSnapshotError } from '../codec/state-snapshot-error.ts'
import { isOxiflowError } from '../oxiflow-error.ts'
import type { StateHolder } from '../state-holder.ts'
import type { SnapshotCapture } from '../snapshot-capture.ts'

/** Values of a snapshot looked at for class instances, per snapshot, until a holder was warned about. */
const LOOKED_AT = 1_000

/** Holders already warned about: once each, not at every barrier. */
const warned = new WeakSet<StateHolder>()

/**
 * Calls `holder.snapshot(checkpointId)`: a throw becomes a StateSnapshotError naming the step and state id
 * (an oxiflow error passes through).
 * A snapshot holding an instance of a class (a bounded look at its first values) is taken — v8
 * serializes it as a plain object — but `warn` is called once per holder, naming the step, the
 * state, the class and where it is: after a restore it comes back without its prototype. A
 * warning, not a refusal: a checkpoint refused at every barrier would leave a running job with
 * none at all, while a holder whose restore() rebuilds its class from the fields works.
 *
 * @example
 * const value = snapshotHolder(h, 'count') // what h.snapshot() returned
 */
export function snapshotHolder(holder: StateHolder, step: string, warn: (message: string) => void = emitWarning, checkpointId?: number): unknown {
  const value = called(holder, step, 'snapshot()', () => checkpointId === undefined ? holder.snapshot() : holder.snapshot(checkpointId))
  if (!warned.has(holder)) {
    const found = findNonPlain(value, LOOKED_AT)
    if (found?.serializable) {
      warned.add(holder)
      warn(`step '${step}': the snapshot of state '${holder.stateId}' holds ${found.what} at ${found.path}; checkpoints keep ` +
        'its fields only, so a restore gives restore() a plain object without the class — snapshot plain data, or rebuild the ' +
        'instance in restore()')
    }
  }
  return value
}

/**
 * Calls `holder.snapshotChanges(since, checkpointId)` (incremental checkpoints): what changed
 * since its snapshot for checkpoint `since`, or undefined when it cannot say (then the caller
 * takes a full snapshot). A throw becomes a StateSnapshotError as in snapshotHolder.
 *
 * @example
 * const changes = snapshotHolderChanges(h, 'count', 6, 7) ?? snapshotHolder(h, 'count', undefined, 7)
 */
export function snapshotHolderChanges(holder: StateHolder, step: string, since: number, checkpointId: number): unknown {
  if (typeof holder.snapshotChanges !== 'function') return undefined
  return called(holder, step, 'snapshotChanges()', () => holder.snapshotChanges!(since, checkpointId))
}

/**
 * Calls `holder.capture(checkpointId, since)` (copy-on-write snapshots): the capture whose
 * slices build the snapshot after the barrier, undefined when the holder has none or (with
 * `since`) cannot say what changed. A throw, at the mark or in a slice, becomes a
 * StateSnapshotError as in snapshotHolder.
 *
 * @example
 * const capture = captureHolder(h, 'count', 7) // then: await finishCapture(capture)
 */
export function captureHolder(holder: StateHolder, step: string, checkpointId: number, since?: number): SnapshotCapture | undefined {
  if (typeof holder.capture !== 'function') return undefined
  const capture = called(holder, step, 'capture()', () => since === undefined ? holder.capture!(checkpointId) : holder.capture!(checkpointId, since)) as SnapshotCapture | undefined
  if (capture === undefined) return undefined
  return { step: () => called(holder, step, 'capture().step()', () => capture.step()) }
}

function called(holder: StateHolder, step: string, what: string, call: () => unknown): unknown {
  try {
    return call()
  } catch (e) {
    if (isOxiflowError(e)) throw e
    throw new StateSnapshotError(step, holder.stateId, `${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e })
  }
}

function emitWarning(message: string): void {
  process.emitWarning(message, { code: 'OXIFLOW_SNAPSHOT_CLASS_INSTANCE' })
}
