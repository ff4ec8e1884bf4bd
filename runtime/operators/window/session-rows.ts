import type { WindowHost } from '../../contracts/window.ts'
import type { RowAccumulation } from './row-accumulation.ts'
import type { RowWindows } from './row-windows.ts'

/** Fields of a row before the accumulation's: start, end, fired (as RowWindows). */
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
  const width = rw.table.width
  for (const { data, next } = rw.table; first !== -1 && data[first * width + 1] < start; first = next[first]) prev = first
  // The sessions [start, end] touches are consecutive from `first` up to (not including) `after`.
  let count = 0
  let last = -1
  let after = first
  for (const { data, next } = rw.table; after !== -1 && data[after * width] <= end; after = next[after]) { count++; last = after }
  let w: number
  if (count === 0) {
    if (end + rw.lateness <= watermark) { host.late(record); return }
    const xs = rows.values(record)
    w = rw.newRow(start, end)
    rows.put(rw.table.data, w * width + FIELDS, xs)
    rw.link(k, prev, w, first)
  } else if (count === 1) {
    const xs = rows.values(record)
    w = first
    const { data } = rw.table
    rows.put(data, w * width + FIELDS, xs)
    if (start < data[w * width]) data[w * width] = start
    if (end > data[w * width + 1]) data[w * width + 1] = end
  } else {
    // Bridging: the sessions merge in order, then the record's own accumulator (as on objects).
    const xs = rows.values(record)
    const mine = rw.newRow(start, end)
    const { data, next } = rw.table
    rows.put(data, mine * width + FIELDS, xs)
    const lastEnd = data[last * width + 1]
    w = first
    for (let o = next[first]; o !== after;) {
      const following = next[o]
      rows.merge(data, w * width + FIELDS, o * width + FIELDS)
      rw.table.release(o)
      o = following
    }
    rows.merge(data, w * width + FIELDS, mine * width + FIELDS)
    rw.table.release(mine)
    next[w] = after
    data[w * width] = Math.min(data[w * width], start)
    data[w * width + 1] = Math.max(lastEnd, end)
  }
  const { data } = rw.table
  data[w * width + 2] = 0
  if (data[w * width + 1] <= watermark) rw.emit(host, key, w)
}
