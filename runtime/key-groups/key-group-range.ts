import type { KeyGroup } from '../../persistence/state-holder.ts'

/**
 * An inclusive range of key groups [start, end] owned by one parallel instance of a keyed
 * step. Limits: 0 ≤ start ≤ end < maxKeyGroups; an empty range is not representable (every
 * instance owns at least one group, so parallelism ≤ maxKeyGroups).
 *
 * @example
 * const r: KeyGroupRange = { start: 0, end: 63 }; contains(r, 10) // true
 */
export interface KeyGroupRange {
  readonly start: KeyGroup
  readonly end: KeyGroup
}

/** True when `group` lies in `range`. */
export function contains(range: KeyGroupRange, group: KeyGroup): boolean {
  return group >= range.start && group <= range.end
}
