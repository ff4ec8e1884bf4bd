/**
 * An inclusive range of key groups `[start, end]` (0 ≤ start ≤ end < maxKeyGroups), the part of
 * a keyed step's state one parallel instance owns. Mirrors runtime's KeyGroupRange
 * structurally: persistence/ does not import runtime/.
 *
 * @example
 * const range: KeyGroupSpan = { start: 0, end: 63 }
 */
export interface KeyGroupSpan {
  readonly start: number
  readonly end: number
}

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
  readonly keyGroups?: KeyGroupSpan
}

/**
 * A directed dataflow edge between two steps: records flow from `upstream` to `downstream`.
 *
 * @example
 * const edge: DataflowEdge = ['parse', 'count']
 */
export type DataflowEdge = readonly [upstreamStep: string, downstreamStep: string]
