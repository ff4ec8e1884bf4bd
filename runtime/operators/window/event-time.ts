import { OxiflowError } from '../../errors/oxiflow-error.ts'
import { shown } from '../../option-checks.ts'

/**
 * A record's event time from the window's `time` function, checked: a finite number of epoch
 * milliseconds, else an OxiflowError (ERR_EVENT_TIME) naming the window and what it got.
 *
 * @example
 * const t = eventTimeOf((r) => r.ts, 'tumbling({ size: 1000 })', record)
 */
export function eventTimeOf(time: (record: unknown) => number, window: string, record: unknown): number {
  const t = time(record)
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new OxiflowError('ERR_EVENT_TIME', `${window}: time(record) must return the record's event time as a finite number ` +
      `of epoch milliseconds (got ${(t as unknown) instanceof Date ? 'a Date; return date.getTime()' : shown(t)}); ` +
      `e.g. time: (r) => Date.parse(r.timestamp)`)
  }
  return t
}
