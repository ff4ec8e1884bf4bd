import type { KeyGroup } from './state-holder.ts'

/**
 * An inclusive range of key groups [start, end] owned by one parallel instance of a keyed
 * step: the part of a keyed step's state that instance snapshots and restores, and the range a
 * keyed holder's blob is stored under. Limits: 0 ≤ start ≤ end < maxKeyGroups; an empty range
 * is not representable (every instance owns at least one group, so parallelism ≤ maxKeyGroups).
 * Lives in persistence/ because stored checkpoints name it; runtime's key-group assignment
 * (runtime/key-groups/key-group-assignment.ts) computes it.
 *
 * @example
 * const r: KeyGroupRange = { start: 0, end: 63 }; contains(r, 10) // true
 */
export interface KeyGroupRange {
  readonly start: KeyGroup
  readonly end: KeyGroup
}

/**
 * The name the public API gave KeyGroupRange first; the same type.
 *
 * @deprecated Use KeyGroupRange.
 * @example
 * const range: KeyGroupSpan = { start: 0, end: 63 }
 */
export type KeyGroupSpan = KeyGroupRange

/**
 * True when `group` lies in `range`.
 *
 * @example
 * contains({ start: 0, end: 63 }, 64) // false
 */
export function contains(range: KeyGroupRange, group: KeyGroup): boolean {
  return group >= range.start && group <= range.end
}
