import type { Window } from '../../runtime/contracts/window.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { addToWindow, dueWindows, fireWindows, type EventWindowsState } from './event-windows.ts'
import { describeEventTime, eventTimeOptions, optionsObject, positiveInteger, type EventTimeInput } from './window-options.ts'

/**
 * Options of `windows.sliding`.
 *
 * @example
 * windows.sliding({ size: 300_000, slide: 60_000, time: (r) => r.ts, allowedLateness: 10_000 })
 */
export interface SlidingOptions<R> extends EventTimeInput<R> {
  /** Window length in ms. */
  readonly size: number
  /** Distance between window starts in ms (≤ size); starts are multiples of it since the epoch. */
  readonly slide: number
}

/**
 * Sliding event-time window (Flink's SlidingEventTimeWindows, Siddhi's externalTime): windows
 * [s, s + size) start at every multiple s of `slide`, so a record at t joins the ⌈size/slide⌉ or so
 * windows with s ≤ t < s + size, each with its own accumulator (O(size/slide) per record). Each
 * fires when the watermark reaches its end − 1, with the same watermark, lateness and late-record
 * rules as `tumbling`; a record is late only when every window it belongs to has closed.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.sensor)
 *   .window('5m-every-1m', windows.sliding({ size: 300_000, slide: 60_000, time: (r) => r.ts }))
 *   .aggregate('load', { mean: agg.avg((r) => r.value) })
 */
export function sliding<R>(options: SlidingOptions<R>): Window<R, EventWindowsState> {
  optionsObject('sliding', options, '{ size: 300_000, slide: 60_000, time: (r) => r.ts }', { size: true, slide: true })
  const size = positiveInteger('sliding', 'size', options.size, ' of milliseconds', 'options.')
  const slide = positiveInteger('sliding', 'slide', options.slide, ' of milliseconds', 'options.')
  if (slide > size) {
    throw new InvalidOptionError('slide', `windows.sliding: options.slide (${slide}) must not exceed options.size (${size}); records would fall between windows`)
  }
  const eventTime = eventTimeOptions('sliding', options)
  const lateness = eventTime.allowedLateness
  return {
    kind: 'window',
    type: 'sliding',
    description: `sliding({ size: ${size}, slide: ${slide}${describeEventTime(eventTime)} })`,
    time: 'event',
    mode: 'append',
    stateVersion: '1.4.0',
    parameters: `size: ${size}, slide: ${slide}`,
    eventTime,
    create: () => ({ windows: [] }),
    add(host, key, state, record, t, watermark) {
      const last = Math.floor(t / slide) * slide
      let first = last - Math.floor((size - 1) / slide) * slide
      while (first <= t - size) first += slide
      let taken = false
      for (let s = first; s <= last; s += slide) {
        if (addToWindow(host, key, state, s, s + size, record, watermark, lateness)) taken = true
      }
      if (!taken) host.late(record)
    },
    due: (state) => dueWindows(state, lateness),
    fire: (host, key, state, at) => fireWindows(host, key, state, at, lateness),
    flush: (host, key, state) => fireWindows(host, key, state, Infinity, lateness),
    shape: { kind: 'fixed', size, slide },
  }
}
