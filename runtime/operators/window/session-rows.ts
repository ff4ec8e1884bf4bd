import type { WindowHost } from '../../contracts/window.ts'
import type { RowAccumulation } from './row-accumulation.ts'
import type { RowWindows } from './row-windows.ts'

/** Columns of a row before the accumulator's: start, end, fired (as RowWindows). */
const FIELDS = 3

/**
 * A session window's record in rows (RowWindows with shape `session`): joins the key's session it
 * touches, opens one, or bridges several, which merge in order and then take the record's own
 * accumulator — exactly as components/windows/session.ts does on objects. A record whose session
 * the watermark closed (end + lateness ≤ watermark) is late; a session whose end the watermark
 * passed fires at once.
 *
 * @example
 * addToSession(rowWindows, rows, host, 'u1', k, record, t, watermark, 30_000)
 */
export function addToSession(rw: RowWindows, rows: RowAccumulation, host: WindowHost, key: unknown, k: number, record: unknown, t: number, watermark: number, gap: number): void {
  const start = t
  const end = t + gap
  let prev = -1
  let first = rw.slots.heads[k]
  for (const { cols: [, ends], next } = rw.table; first !== -1 && ends[first] < start; first = next[first]) prev = first
  // The sessions [start, end] touches are consecutive from `first` up to (not including) `after`.
  let count = 0
  let last = -1
  let after = first
  for (const { cols: [begin], next } = rw.table; after !== -1 && begin[after] <= end; after = next[after]) { count++; last = after }
  let w: number
  if (count === 0) {
    if (end + rw.lateness <= watermark) { host.late(record); return }
    const xs = rows.values(record)
    w = rw.newRow(start, end)
    rows.put(rw.table.cols, FIELDS, w, xs)
    rw.link(k, prev, w, first)
  } else if (count === 1) {
    const xs = rows.values(record)
    w = first
    const { cols } = rw.table
    rows.put(cols, FIELDS, w, xs)
    if (start < cols[0][w]) cols[0][w] = start
    if (end > cols[1][w]) cols[1][w] = end
  } else {
    // Bridging: the sessions merge in order, then the record's own accumulator (as on objects).
    const xs = rows.values(record)
    const mine = rw.newRow(start, end)
    rows.put(rw.table.cols, FIELDS, mine, xs)
    const { cols, next } = rw.table
    const lastEnd = cols[1][last]
    w = first
    for (let o = next[first]; o !== after;) {
      const following = next[o]
      rows.merge(cols, FIELDS, w, o)
      rw.table.release(o)
      o = following
    }
    rows.merge(cols, FIELDS, w, mine)
    rw.table.release(mine)
    next[w] = after
    cols[0][w] = Math.min(cols[0][w], start)
    cols[1][w] = Math.max(lastEnd, end)
  }
  const { cols } = rw.table
  cols[2][w] = 0
  if (cols[1][w] <= watermark) rw.emit(host, key, w)
}
