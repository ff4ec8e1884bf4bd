import { deserialize, serialize } from 'node:v8'
import { holdersOf, type Instance } from './instance.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { restoreHolder } from '../../persistence/checkpoints/restore-holder.ts'
import { snapshotHolder } from '../../persistence/checkpoints/snapshot-holder.ts'
import type { JobSnapshot } from '../contracts/job.ts'

/**
 * Snapshots the holders of `instances` (one host's): operators', sinks' and readers'.
 *
 * @example
 * const part = snapshotInstances(host.instances)
 */
export function snapshotInstances(instances: readonly Instance[]): JobSnapshot {
  const out: JobSnapshot = new Map()
  for (const inst of instances) {
    for (const h of holdersOf(inst)) {
      let entry = out.get(h.stateId)
      if (!entry) out.set(h.stateId, entry = { stateVersion: h.stateVersion, instances: new Array(inst.vertex.parallelism) })
      if (inst.index in entry.instances) {
        throw new InvalidOptionError('snapshotAtEnd', `two state holders of instance ${inst.index} use the state id '${h.stateId}'; state ids must be unique per step instance`)
      }
      entry.instances[inst.index] = snapshotHolder(h, stepOf(h.stateId))
    }
  }
  return out
}

/**
 * Joins the snapshots of several hosts into one.
 *
 * @example
 * const snapshot = mergeSnapshots(await Promise.all(hosts.map((h) => h.snapshot())))
 */
export function mergeSnapshots(parts: readonly JobSnapshot[]): JobSnapshot {
  const out: JobSnapshot = new Map()
  for (const part of parts) {
    for (const [id, entry] of part) {
      const into = out.get(id)
      if (!into) { out.set(id, { stateVersion: entry.stateVersion, instances: [...entry.instances] }); continue }
      entry.instances.forEach((s, i) => { if (i in entry.instances) into.instances[i] = s })
    }
  }
  return out
}

/**
 * Restores `snapshot` into the holders of `instances` before they run. Every holder whose id
 * the snapshot has gets its instance's state; a state id with no holder in the job, or a
 * different instance count, is refused — state would otherwise be dropped silently.
 * `expectAll`: the instances are the whole job (every id of the snapshot must be found here).
 * Each holder gets a copy of its state (the snapshot stays as it was).
 *
 * @example
 * restoreInstances(host.instances, snapshot, true)
 */
export function restoreInstances(instances: readonly Instance[], snapshot: JobSnapshot, expectAll: boolean): void {
  if (!(snapshot instanceof Map)) throw new InvalidOptionError('restoreFrom', 'run(options): options.restoreFrom must be a job snapshot (summary.snapshot of a run with snapshotAtEnd: true)')
  const found = new Set<string>()
  for (const inst of instances) {
    for (const h of holdersOf(inst)) {
      const entry = snapshot.get(h.stateId)
      if (!entry) continue
      found.add(h.stateId)
      if (entry.instances.length !== inst.vertex.parallelism) {
        throw new InvalidOptionError('restoreFrom', `run(options): state '${h.stateId}' was snapshotted with ${entry.instances.length} instances, ` +
          `this job runs ${inst.vertex.parallelism}; restore with the same parallelism`)
      }
      // A copy: a holder takes its state over (a window step's columns become its own), and the
      // caller's snapshot may be restored again.
      if (inst.index in entry.instances) restoreHolder(h, stepOf(h.stateId), deserialize(serialize(entry.instances[inst.index])), entry.stateVersion, 'the job snapshot given as restoreFrom')
    }
  }
  if (!expectAll) return
  const missing = [...snapshot.keys()].filter((id) => !found.has(id))
  if (missing.length > 0) {
    throw new InvalidOptionError('restoreFrom', `run(options): the snapshot holds state ${missing.map((id) => `'${id}'`).join(', ')} that no step of ` +
      `pipeline has; restore into the pipeline that took it (same step and window names)`)
  }
}

/** The step a state id belongs to (`<step>/<part>`). */
function stepOf(stateId: string): string {
  const slash = stateId.indexOf('/')
  return slash < 0 ? stateId : stateId.slice(0, slash)
}
