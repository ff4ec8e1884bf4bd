import type { Window } from '../../runtime/contracts/window.ts'
import { addToWindow, dueWindows, fireWindows, type EventWindowsState } from './event-windows.ts'
import { describeEventTime, eventTimeOptions, optionsObject, positiveInteger, type EventTimeInput } from './window-options.ts'

/**
 * Options of `windows.tumbling`.
 *
 * @example
 * windows.tumbling({ size: 60_000, time: (r) => Date.parse(r.at), maxOutOfOrderness: 2_000 })
 */
export interface TumblingOptions<R> extends EventTimeInput<R> {
  /** Window length in ms; windows start at multiples of it since the epoch. */
  readonly size: number
}

/**
 * Tumbling event-time window (Flink's TumblingEventTimeWindows, Siddhi's externalTimeBatch):
 * a record at event time t joins [s, s + size) with s = ⌊t/size⌋·size. The window fires when the
 * watermark reaches end − 1; the watermark is the highest event time seen − maxOutOfOrderness − 1
 * (or the input's, +∞ at the end of a bounded input: every open window fires). A record whose
 * window has fired but whose watermark is still below end − 1 + allowedLateness joins it and fires
 * it again; later than that it is late: counted in the step's `late` and sent to `.lateTo(sink)`.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.user)
 *   .window('minute', windows.tumbling({ size: 60_000, time: (r) => r.ts, maxOutOfOrderness: 5_000 }))
 *   .aggregate('clicks', { n: agg.count() })
 */
export function tumbling<R>(options: TumblingOptions<R>): Window<R, EventWindowsState> {
  optionsObject('tumbling', options, '{ size: 60_000, time: (r) => r.ts }', { size: true })
  const size = positiveInteger('tumbling', 'size', options.size, ' of milliseconds', 'options.')
  const eventTime = eventTimeOptions('tumbling', options)
  const lateness = eventTime.allowedLateness
  return {
    kind: 'window',
    type: 'tumbling',
    description: `tumbling({ size: ${size}${describeEventTime(eventTime)} })`,
    time: 'event',
    mode: 'append',
    stateVersion: '1.4.0',
    parameters: `size: ${size}`,
    eventTime,
    create: () => ({ windows: [] }),
    add(host, key, state, record, t, watermark) {
      const start = Math.floor(t / size) * size
      if (!addToWindow(host, key, state, start, start + size, record, watermark, lateness)) host.late(record)
    },
    due: (state) => dueWindows(state, lateness),
    fire: (host, key, state, at) => fireWindows(host, key, state, at, lateness),
    flush: (host, key, state) => fireWindows(host, key, state, Infinity, lateness),
    shape: { kind: 'fixed', size, slide: size },
  }
}
