import { FIELDS, type RowWindows } from './row-windows.ts'
import { IncompatibleStateError } from './incompatible-state-error.ts'
import { shown } from '../../option-checks.ts'

/**
 * A restored key's state of the window's object form (a snapshot written before the step kept
 * rows: `{ start, count, acc }` of lengthBatch, `{ windows: [{ start, end, acc, fired }] }` of
 * event windows) as a slot of `w` with its rows; an IncompatibleStateError (state `stateId`) when it is neither, or a field cannot load its
 * accumulator.
 *
 * @example
 * const k = adoptObjectForm(rowWindows, 'u1', { start: 0, count: 2, acc: [2, { n: 2, hi: 5, lo: 0 }] }, 'stats/w')
 */
export function adoptObjectForm(w: RowWindows, key: unknown, state: unknown, stateId: string): number {
  const s = state as { start?: unknown; count?: unknown; acc?: unknown; windows?: unknown }
  const count = w.shape.kind === 'count'
  const windows = count
    ? (typeof s?.start === 'number' && typeof s.count === 'number' && Array.isArray(s.acc) ? (s.count > 0 ? [{ start: s.start, end: s.start + s.count, acc: s.acc, fired: false }] : []) : undefined)
    : (Array.isArray(s?.windows) ? s.windows as { start: number; end: number; acc: unknown; fired: boolean }[] : undefined)
  const refused = (expected: string): never => { throw new IncompatibleStateError(stateId, `key ${shown(key)} holding ${shown(state)}`, expected) }
  if (windows === undefined) refused(`${count ? '{ start, count, acc }' : '{ windows }'} (the object form of ${w.description})`)
  const k = w.create()
  let prev = -1
  for (const window of windows!) {
    const row = w.newRow(window.start, window.end)
    const { data, width } = w.table
    data[row * width + 2] = window.fired ? 1 : 0
    try {
      w.rows.load(data, row * width + FIELDS, window.acc)
    } catch (e) {
      if (e instanceof RangeError) refused(`${e.message} (the object form of ${w.description})`)
      throw e
    }
    w.link(k, prev, row, -1)
    prev = row
  }
  return k
}
