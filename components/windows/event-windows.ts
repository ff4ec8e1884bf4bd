import type { WindowHost } from '../../runtime/contracts/window.ts'

/**
 * One event-time window of a key: [start, end), its aggregate, and whether it has fired (it then
 * stays until the watermark passes end − 1 + allowedLateness, taking late records and firing again).
 *
 * @example
 * const w: EventWindow = { start: 0, end: 60_000, acc, fired: false }
 */
export interface EventWindow {
  start: number
  end: number
  acc: unknown
  fired: boolean
}

/**
 * A key's open event-time windows, by start (for every window kind here, also by end).
 *
 * @example
 * const s: EventWindowsState = { windows: [{ start: 0, end: 60_000, acc, fired: true }] }
 */
export interface EventWindowsState {
  windows: EventWindow[]
}

/**
 * Adds `record` to the key's window [start, end), creating it if needed. Returns false, changing
 * nothing, when that window is closed: the watermark passed end − 1 + lateness (Flink's rule).
 * A window whose end − 1 the watermark already passed fires at once (again, if it had fired).
 *
 * @example
 * if (!addToWindow(host, key, state, 0, 1000, record, wm, 0)) host.late(record)
 */
export function addToWindow(host: WindowHost, key: unknown, state: EventWindowsState, start: number, end: number,
  record: unknown, watermark: number, lateness: number): boolean {
  if (end - 1 + lateness <= watermark) return false
  const ws = state.windows
  let i = ws.length - 1
  while (i >= 0 && ws[i].start > start) i--
  let w: EventWindow
  if (i >= 0 && ws[i].start === start) {
    w = ws[i]
    w.acc = host.acc.add(w.acc, record)
  } else {
    // The window exists only once the record went in: a throwing add leaves nothing behind.
    w = { start, end, acc: host.acc.add(host.acc.create(), record), fired: false }
    ws.splice(i + 1, 0, w)
  }
  if (end - 1 <= watermark) {
    host.emit(key, w.start, w.end, w.acc)
    w.fired = true
  }
  return true
}

/**
 * Fires the windows whose last joinable time (end − 1 + reach) the watermark `at` reached, in end
 * order, and drops those whose last joinable time + lateness it reached. `reach` is 0 for fixed
 * windows [start, end), which take records up to end − 1, and 1 for sessions, which a record at
 * their end still joins (sessions touching at a point merge).
 *
 * @example
 * fireWindows(host, key, state, watermark, allowedLateness)
 */
export function fireWindows(host: WindowHost, key: unknown, state: EventWindowsState, at: number, lateness: number, reach = 0): void {
  const ws = state.windows
  const shift = reach - 1
  let kept = 0
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]
    if (!w.fired && w.end + shift <= at) {
      host.emit(key, w.start, w.end, w.acc)
      w.fired = true
    }
    if (w.fired && w.end + shift + lateness <= at) continue
    ws[kept++] = w
  }
  ws.length = kept
}

/**
 * When the key's windows next need the watermark: the earliest last joinable time (end − 1 +
 * reach, as `fireWindows`) of an unfired window, or that + lateness of a fired one; Infinity when
 * it has none.
 *
 * @example
 * dueWindows({ windows: [{ start: 0, end: 10, acc, fired: false }] }, 0) // 9
 */
export function dueWindows(state: EventWindowsState, lateness: number, reach = 0): number {
  const shift = reach - 1
  let due = Infinity
  for (const w of state.windows) {
    const t = w.fired ? w.end + shift + lateness : w.end + shift
    if (t < due) due = t
  }
  return due
}
