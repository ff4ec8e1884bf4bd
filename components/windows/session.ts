import type { Window } from '../../runtime/contracts/window.ts'
import { dueWindows, fireWindows, type EventWindow, type EventWindowsState } from './event-windows.ts'
import { describeEventTime, eventTimeOptions, optionsObject, positiveInteger, type EventTimeInput } from './window-options.ts'

/** A record at a session's windowEnd still joins it: it closes one ms later than [start, end) would. */
const REACH = 1

/**
 * Options of `windows.session`.
 *
 * @example
 * windows.session({ gap: 1_800_000, time: (r) => r.ts, maxOutOfOrderness: 5_000 })
 */
export interface SessionOptions<R> extends EventTimeInput<R> {
  /** Inactivity in ms that ends a session: records at most `gap` apart share one. */
  readonly gap: number
}

/**
 * Event-time session window (Flink's EventTimeSessionWindows): per key, records at most `gap`
 * apart share a session. A record at t opens [t, t + gap); sessions that touch or overlap merge
 * (a record at exactly windowEnd joins: Flink's `TimeWindow.intersects` is inclusive), so
 * `windowStart` is the first record's time and `windowEnd` the last one's + gap.
 *
 * A session fires only once no record can still join it: when the watermark reaches windowEnd
 * (not windowEnd − 1 as fixed windows do). Firing at windowEnd − 1 made a record exactly `gap`
 * after the last one join or start a new session depending on whether another key's record had
 * moved the watermark first — on batching and on how keys spread over instances. It stays until
 * the watermark reaches windowEnd + allowedLateness, taking late records and firing again; a record
 * that touches no kept session and whose own [t, t + gap) that point has passed is late. An
 * out-of-order record that bridges two sessions merges them (accumulators merged, in start order)
 * into one. In a merged session `agg.first`/`agg.last` see the earlier session's records before
 * the later's.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.user)
 *   .window('visits', windows.session({ gap: 30 * 60_000, time: (r) => r.ts }))
 *   .aggregate('visit', { pages: agg.count(), firstPage: agg.first((r) => r.url) })
 */
export function session<R>(options: SessionOptions<R>): Window<R, EventWindowsState> {
  optionsObject('session', options, '{ gap: 1_800_000, time: (r) => r.ts }', { gap: true })
  const gap = positiveInteger('session', 'gap', options.gap, ' of milliseconds', 'options.')
  const eventTime = eventTimeOptions('session', options)
  const lateness = eventTime.allowedLateness
  return {
    kind: 'window',
    type: 'session',
    description: `session({ gap: ${gap}${describeEventTime(eventTime)} })`,
    time: 'event',
    mode: 'merge',
    stateVersion: '1.4.0',
    parameters: `gap: ${gap}`,
    eventTime,
    create: () => ({ windows: [] }),
    add(host, key, state, record, t, watermark) {
      const start = t
      const end = t + gap
      const ws = state.windows
      // Sessions never overlap, so those [start, end] touches are consecutive (Flink's inclusive test).
      let first = 0
      while (first < ws.length && ws[first].end < start) first++
      let last = first
      while (last < ws.length && ws[last].start <= end) last++
      let w: EventWindow
      if (first === last) {
        if (end + lateness <= watermark) { host.late(record); return }
        w = { start, end, acc: host.acc.add(host.acc.create(), record), fired: false }
        ws.splice(first, 0, w)
      } else if (last - first === 1) {
        w = ws[first]
        w.acc = host.acc.add(w.acc, record)
        if (start < w.start) w.start = start
        if (end > w.end) w.end = end
      } else {
        // Bridging: add to a fresh accumulator first, so a throw leaves every session as it was.
        const mine = host.acc.add(host.acc.create(), record)
        let acc = ws[first].acc
        for (let i = first + 1; i < last; i++) acc = host.acc.merge(acc, ws[i].acc)
        acc = host.acc.merge(acc, mine)
        w = { start: Math.min(ws[first].start, start), end: Math.max(ws[last - 1].end, end), acc, fired: false }
        ws.splice(first, last - first, w)
      }
      // Fires now when the watermark already reached its end (again, if it had fired); else later.
      w.fired = w.end <= watermark
      if (w.fired) host.emit(key, w.start, w.end, w.acc)
    },
    due: (state) => dueWindows(state, lateness, REACH),
    fire: (host, key, state, at) => fireWindows(host, key, state, at, lateness, REACH),
    flush: (host, key, state) => fireWindows(host, key, state, Infinity, lateness, REACH),
    shape: { kind: 'session', gap },
  }
}
