import type { KeyGroupRange } from '../key-group-range.ts'

/**
 * What the registry knows of one state holder: its id, step, schema version and declared
 * dependencies, and for keyed steps the key-group range its instance owns (a keyed holder is
 * registered once per range, all under one state id).
 *
 * @example
 * const entry: HolderEntry = { stateId: 'agg/sum', step: 'agg', stateVersion: '1.0.0', dependsOn: ['win/buffer'] }
 */
export interface HolderEntry {
  readonly stateId: string
  readonly step: string
  readonly stateVersion: string
  readonly dependsOn: readonly string[]
  readonly keyGroups?: KeyGroupRange
  /** True when the holder's state is split by key group (StateHolder.keyed); the registry does not read it. */
  readonly keyed?: boolean
}

/**
 * A directed dataflow edge between two steps: records flow from `upstream` to `downstream`.
 *
 * @example
 * const edge: DataflowEdge = ['parse', 'count']
 */
export type DataflowEdge = readonly [upstreamStep: string, downstreamStep: string]
