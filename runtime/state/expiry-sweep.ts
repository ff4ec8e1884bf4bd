import type { SlotTable } from './slot-table.ts'

/**
 * Slots each write to keyed state with a TTL checks for expiry, round-robin after the last one
 * checked: an entry whose key stopped coming is dropped within `capacity / SWEEP_PER_WRITE`
 * writes, with or without checkpoints (before, only a snapshot dropped it, and a job without a
 * store kept every key it ever wrote). Each write makes at most one new slot and frees expired
 * ones four times as fast, so the table stays within 4/3 of the live keys, plus those younger
 * than the TTL.
 */
export const SWEEP_PER_WRITE = 4

/**
 * Checks `count` held slots of `table` from slot `from` on (wrapping at its capacity) and calls
 * `drop` for each whose stamp is `ttlMs` or more before `now`; returns the slot to start at next.
 *
 * @example
 * next = sweepExpired(table, stamps, 3000, Date.now(), next, SWEEP_PER_WRITE, (slot) => holder.drop(slot))
 */
export function sweepExpired(table: SlotTable, stamps: Float64Array, ttlMs: number, now: number, from: number, count: number,
  drop: (slot: number) => void): number {
  const capacity = table.capacity
  if (capacity === 0) return 0
  let slot = from >= capacity ? 0 : from
  for (let i = 0; i < count && i < capacity; i++) {
    if (table.groupAt(slot) >= 0 && stamps[slot] + ttlMs <= now) drop(slot)
    slot = slot + 1 === capacity ? 0 : slot + 1
  }
  return slot
}
