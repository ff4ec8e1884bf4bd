import type { EventTimeOptions } from '../../runtime/contracts/window.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { checkKnownOptions, invalidOption } from '../../runtime/option-checks.ts'

/**
 * The event-time options every event-time window takes (tumbling, sliding, session).
 *
 * @example
 * const o: EventTimeInput<{ ts: number }> = { time: (r) => r.ts, maxOutOfOrderness: 5_000 }
 */
export interface EventTimeInput<R> {
  /** The record's event time in epoch ms. */
  readonly time: (record: R) => number
  /** How far (ms) behind the highest event time seen a record may arrive and still be on time (default 0). */
  readonly maxOutOfOrderness?: number
  /** How long (ms) a fired window still takes late records, firing again for each (default 0). */
  readonly allowedLateness?: number
}

/**
 * Throws InvalidOptionError unless `value` is a positive integer: window sizes and counts are
 * whole records or whole milliseconds, so window bounds stay exact.
 *
 * @example
 * positiveInteger('lengthBatch', 'n', 0) // throws: windows.lengthBatch: n must be a positive integer (got 0)
 * positiveInteger('tumbling', 'size', -1, ' of milliseconds', 'options.') // options.size must be …
 */
export function positiveInteger(window: string, name: string, value: unknown, unit = '', prefix = ''): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) {
    throw invalidOption(`windows.${window}`, name, `a positive integer${unit}`, value, `${prefix}${name}`)
  }
  return value
}

/**
 * The options object of a window (`{ size, time, ... }`), refusing anything else and keys that
 * are none of its options (`known`: its own and the event-time ones).
 *
 * @example
 * const o = optionsObject('tumbling', options, "{ size: 60_000, time: (r) => r.ts }", { size: true })
 */
export function optionsObject<O extends object>(window: string, options: O, example: string, own: Readonly<Record<Exclude<keyof O, keyof EventTimeInput<unknown>>, true>>): O {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `windows.${window}: options must be an object, e.g. windows.${window}(${example})`)
  }
  checkKnownOptions(`windows.${window}`, options, { ...own, ...EVENT_TIME_OPTIONS })
  return options
}

const EVENT_TIME_OPTIONS: Readonly<Record<keyof EventTimeInput<unknown>, true>> = { time: true, maxOutOfOrderness: true, allowedLateness: true }

/**
 * Validates the event-time options every event-time window takes: `time` (required),
 * `maxOutOfOrderness` and `allowedLateness` (non-negative integers of ms, default 0).
 *
 * @example
 * const eventTime = eventTimeOptions('tumbling', { size: 1000, time: (r) => r.ts })
 */
export function eventTimeOptions<R>(window: string, options: EventTimeInput<R>): EventTimeOptions<R> {
  if (typeof options.time !== 'function') {
    throw invalidOption(`windows.${window}`, 'time', "a function returning the record's event time in epoch ms, e.g. time: (r) => r.timestamp", options.time)
  }
  const ms = (name: 'maxOutOfOrderness' | 'allowedLateness'): number => {
    const v = options[name]
    if (v === undefined) return 0
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
      throw invalidOption(`windows.${window}`, name, 'a non-negative integer of milliseconds', v)
    }
    return v
  }
  return { time: options.time, maxOutOfOrderness: ms('maxOutOfOrderness'), allowedLateness: ms('allowedLateness') }
}

/**
 * The extra part of an event-time window's description, e.g. `, maxOutOfOrderness: 500`.
 *
 * @example
 * describeEventTime({ time, maxOutOfOrderness: 0, allowedLateness: 100 }) // ', allowedLateness: 100'
 */
export function describeEventTime(o: EventTimeOptions<any>): string {
  return (o.maxOutOfOrderness ? `, maxOutOfOrderness: ${o.maxOutOfOrderness}` : '') + (o.allowedLateness ? `, allowedLateness: ${o.allowedLateness}` : '')
}
