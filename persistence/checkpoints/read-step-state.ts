import { StepNotInCheckpointError } from './step-not-in-checkpoint-error.ts'
import type { StateStore } from '../stores/state-store.ts'
import type { KeyGroupRange } from '../key-group-range.ts'
import { compareIds } from '../registry/dependency-graph.ts'
import { checkNodeVersion } from './check-node-version.ts'
import type { Manifest } from './manifest.ts'
import { readUnfolded } from './read-chain-state.ts'

/**
 * The state of one key-group range of a keyed holder whose ranges could not be merged into
 * one Map.
 *
 * @example
 * const part: RangeState = { keyGroups: { start: 0, end: 63 }, state: [1, 2] }
 */
export interface RangeState {
  readonly keyGroups: KeyGroupRange | undefined
  readonly state: unknown
}

/**
 * Decodes every holder of one step in a checkpoint: `{ [stateId]: state }`. A keyed holder
 * written per key-group range is merged back into one Map when every range snapshotted a Map
 * (keyed holders snapshot `Map<keyGroup, S>`, so ranges never share keys); otherwise its value
 * is the list of RangeState in range order. An incremental snapshot ('changes') cannot be folded
 * without its holder: its state is a ChainState, each blob of its chain decoded. Refuses a checkpoint written by a newer Node
 * (NodeVersionError) and a step it has no state of (StepNotInCheckpointError, listing the steps
 * it has).
 *
 * @example
 * await readStepState(store, manifest, 'agg') // { 'agg/sum': Map { 3 => 10n } }
 */
export async function readStepState(store: Pick<StateStore, 'get'>, manifest: Manifest, step: string): Promise<Record<string, unknown>> {
  const holders = manifest.holders.filter((h) => h.step === step)
  if (holders.length === 0) {
    const steps = [...new Set(manifest.holders.map((h) => h.step))].sort(compareIds)
    throw new StepNotInCheckpointError(manifest.pipelineId, manifest.checkpointId, step, steps)
  }
  checkNodeVersion(manifest)
  const parts = new Map<string, RangeState[]>()
  holders.sort((a, b) => compareIds(a.stateId, b.stateId) || (a.keyGroups?.start ?? 0) - (b.keyGroups?.start ?? 0))
  for (const h of holders) {
    const state = await readUnfolded(store, manifest, h)
    parts.set(h.stateId, [...(parts.get(h.stateId) ?? []), { keyGroups: h.keyGroups, state }])
  }
  const result: Record<string, unknown> = {}
  for (const [stateId, ranges] of parts) {
    if (ranges.length === 1) result[stateId] = ranges[0]!.state
    else if (ranges.every((r) => r.state instanceof Map)) result[stateId] = new Map(ranges.flatMap((r) => [...(r.state as Map<unknown, unknown>)]))
    else result[stateId] = ranges
  }
  return result
}
