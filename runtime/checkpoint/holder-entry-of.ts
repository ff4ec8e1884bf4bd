import type { KeyGroupRange } from '../../persistence/key-group-range.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'

/**
 * What the holder registry is told of one instance's holder: its id, the step its id names
 * (`<step>/<part>`: the part before the first `/`), version, declared dependencies, whether it
 * is keyed, and the instance's key-group range. One rule for a job's checkpoints and for a plan's description.
 *
 * @example
 * holderEntryOf(holder, { start: 0, end: 63 }) // { stateId: 'count/state.n', step: 'count', … }
 */
export function holderEntryOf(h: Pick<StateHolder, 'stateId' | 'stateVersion' | 'keyed' | 'dependsOn'>, keyGroups: KeyGroupRange): HolderEntry {
  return { stateId: h.stateId, step: h.stateId.slice(0, h.stateId.indexOf('/')), stateVersion: h.stateVersion, dependsOn: [...(h.dependsOn ?? [])], keyGroups,
    ...(h.keyed === true && { keyed: true }) }
}
