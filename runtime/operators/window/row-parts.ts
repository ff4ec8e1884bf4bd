import { finishCaptureNow } from '../../../persistence/snapshot-capture.ts'
import type { KeySlots } from './key-slots.ts'
import { columnValues } from './part-column.ts'
import { RowCapture } from './row-capture.ts'
import type { RowTable } from './row-table.ts'
import { checkColumnsPart, type WindowColumnsPart } from './window-columns.ts'

/**
 * The keys (changed after epoch `since`; all: −∞) of a row window step as one part, in slot
 * order: every table read is sequential (a part per key group gathered rows 1 KiB apart, a cache
 * miss per value). `groups` says each key's group; every group's snapshot entry shares the part.
 * Columns whose values are all int32 are written as Int32Arrays. Now, in one go: the capture of
 * a barrier (RowCapture) does the same in slices.
 *
 * @example
 * const part = writeRowsPart(slots, table, -Infinity)
 */
export function writeRowsPart(slots: KeySlots, table: RowTable, since: number): WindowColumnsPart {
  return finishCaptureNow(new RowCapture(slots, table, since, Infinity))
}

/**
 * Re-creates the keys of `part` that `take(i)` wants (new slots and rows, bound by the caller):
 * their slots, −1 for a key not taken. A RangeError when the part is malformed.
 *
 * @example
 * const states = readRowsPart(slots, table, part, keys, epoch, (i) => wanted.has(part.groups![i]))
 */
export function readRowsPart(slots: KeySlots, table: RowTable, part: WindowColumnsPart, keys: readonly unknown[], epoch: number,
  take: (i: number) => boolean = () => true): number[] {
  checkColumnsPart(part, table.stored.length, keys.length)
  let wanted = 0
  let rows = 0
  for (let i = 0; i < keys.length; i++) if (take(i)) { wanted++; rows += part.rows[i] }
  // Grown once to what is read, not by doubling row after row (0.4 s of a 1M-key restore).
  slots.reserve(wanted)
  const out = new Array<number>(keys.length)
  if (wanted === keys.length) {
    // Every key: each column copied into its field of every row in one pass, each key's rows linked in place.
    const first = table.append(part.cols, rows)
    const next = table.next
    let row = first
    for (let i = 0; i < keys.length; i++) {
      const n = part.rows[i]
      const k = slots.create(epoch)
      slots.heads[k] = n === 0 ? -1 : row
      for (let j = 1; j < n; j++, row++) next[row] = row + 1
      if (n > 0) next[row++] = -1
      if (part.ords) slots.ords[k] = part.ords[i]
      out[i] = k
    }
    return out
  }
  // Some keys: rows one at a time (a constant column filled in first).
  table.reserve(rows)
  const from = part.cols.map((_, c) => columnValues(part.cols, c))
  let row = 0
  for (let i = 0; i < keys.length; i++) {
    const n = part.rows[i]
    if (!take(i)) { out[i] = -1; row += n; continue }
    const k = slots.create(epoch)
    let tail = -1
    for (let j = 0; j < n; j++, row++) {
      const r = table.alloc()
      table.load(r, from, row)
      const next = table.next
      next[r] = -1
      if (tail === -1) slots.heads[k] = r
      else next[tail] = r
      tail = r
    }
    if (part.ords) slots.ords[k] = part.ords[i]
    out[i] = k
  }
  return out
}
