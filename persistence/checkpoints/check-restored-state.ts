import { NonRestoredStateError } from './non-restored-state-error.ts'
import { KeyGroupsChangedError } from './key-groups-changed-error.ts'
import { compareIds } from '../registry/dependency-graph.ts'
import type { Manifest } from './manifest.ts'

/**
 * One state of a checkpoint that no holder of the job takes.
 *
 * @example
 * const o: OrphanedState = { stateId: 'count/n', step: 'count' }
 */
export interface OrphanedState {
  readonly stateId: string
  readonly step: string
}

/**
 * Matches a checkpoint's states with the job's holders before anything is restored: every state
 * id of the manifest must have a holder (`holders`, the whole job's, all hosts). A state without
 * one belongs to a step that was renamed or removed; it is refused with NonRestoredStateError
 * (naming each such state and the steps that have state now) unless `allow` — then the orphans
 * are returned so the caller can say what it dropped. A holder the manifest lacks is fine: a new
 * step starts fresh.
 *
 * @example
 * const dropped = checkRestoredState(manifest, await jobHolders(), options.allowNonRestoredState)
 */
export function checkRestoredState(manifest: Manifest, holders: readonly { readonly stateId: string; readonly step: string }[], allow: boolean): OrphanedState[] {
  const taken = new Set(holders.map((h) => h.stateId))
  const orphans = new Map<string, OrphanedState>()
  for (const h of manifest.holders) if (!taken.has(h.stateId)) orphans.set(h.stateId, { stateId: h.stateId, step: h.step })
  const found = [...orphans.values()].sort((a, b) => compareIds(a.stateId, b.stateId))
  if (found.length > 0 && !allow) {
    const steps = [...new Set(holders.map((h) => h.step))].sort(compareIds)
    throw new NonRestoredStateError(manifest.pipelineId, manifest.checkpointId, found, steps)
  }
  return found
}

/**
 * Refuses `manifest` when it holds keyed state written under another maxKeyGroups than `maxKeyGroups`.
 *
 * @example
 * checkKeyGroups(manifest, plan.maxKeyGroups)
 */
export function checkKeyGroups(manifest: { pipelineId: string; checkpointId: number; maxKeyGroups?: number; holders: readonly { keyed?: boolean }[] },
  maxKeyGroups: number): void {
  const written = manifest.maxKeyGroups
  if (written === undefined || written === maxKeyGroups || !manifest.holders.some((h) => h.keyed === true)) return
  throw new KeyGroupsChangedError(manifest.pipelineId, manifest.checkpointId, written, maxKeyGroups)
}
