import { packKeys } from './key-table.ts'
import { FREE, type KeySlots } from './key-slots.ts'
import type { RowTable } from './row-table.ts'
import { checkColumnsPart, type WindowColumnsPart } from './window-columns.ts'

/**
 * The keys (changed after epoch `since`; all: −∞) of a row window step as one part, in slot
 * order: every table read is sequential (a part per key group gathered rows 1 KiB apart, a cache
 * miss per value). `groups` says each key's group; every group's snapshot entry shares the part.
 * Columns whose values are all int32 are written as Int32Arrays.
 *
 * @example
 * const part = writeRowsPart(slots, table, -Infinity)
 */
export function writeRowsPart(slots: KeySlots, table: RowTable, since: number): WindowColumnsPart {
  const { heads, keyAt, groups, ords, epochs, top } = slots
  const { cols: from, next } = table
  const taken: number[] = []
  let total = 0
  for (let k = 0; k < top; k++) {
    if (keyAt[k] === FREE || epochs[k] <= since) continue
    taken.push(k)
    for (let r = heads[k]; r !== -1; r = next[r]) total++
  }
  const n = taken.length
  const keys = new Array<unknown>(n)
  const rows = new Uint32Array(n)
  const keyGroups = new Int32Array(n)
  const keyOrds = new Float64Array(n)
  const order = new Int32Array(total)
  let row = 0
  for (let i = 0; i < n; i++) {
    const k = taken[i]
    keys[i] = keyAt[k]
    keyGroups[i] = groups[k]
    keyOrds[i] = ords[k]
    const start = row
    for (let r = heads[k]; r !== -1; r = next[r]) order[row++] = r
    rows[i] = row - start
  }
  const cols = from.map((column) => narrowed(gather(column, order)))
  return { keys: packKeys(keys), rows, cols, ords: keyOrds, groups: keyGroups }
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
  checkColumnsPart(part, table.width, keys.length)
  const out = new Array<number>(keys.length)
  let row = 0
  for (let i = 0; i < keys.length; i++) {
    const n = part.rows[i]
    if (!take(i)) { out[i] = -1; row += n; continue }
    const k = slots.create(epoch)
    let tail = -1
    for (let j = 0; j < n; j++, row++) {
      const r = table.alloc()
      const { cols, next } = table
      for (let c = 0; c < cols.length; c++) cols[c][r] = part.cols[c][row]
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

function gather(column: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length)
  for (let j = 0; j < order.length; j++) out[j] = column[order[j]]
  return out
}

/**
 * The column as an Int32Array when every value is an int32 (and no −0, which an Int32Array would
 * turn into 0): counts, flags and sums of small integers take half the bytes; anything else stays
 * as it is. A restore reads either exactly.
 */
function narrowed(column: Float64Array): Float64Array | Int32Array {
  for (let j = 0; j < column.length; j++) {
    const v = column[j]
    if ((v | 0) !== v || Object.is(v, -0)) return column
  }
  return Int32Array.from(column)
}
