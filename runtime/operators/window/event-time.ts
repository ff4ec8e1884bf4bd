import { OxiflowError } from '../../errors/oxiflow-error.ts'
import { shown } from '../../option-checks.ts'

/**
 * A record's event time from a user's time function — a window's `time`, a state TTL's
 * `timestamp` (`option`, as the message names it) — checked: a finite number of epoch
 * milliseconds, else an OxiflowError (ERR_EVENT_TIME) naming where and what it got.
 *
 * @example
 * const t = eventTimeOf((r) => r.ts, 'tumbling({ size: 1000 })', record)
 * eventTimeOf((r) => r.ts, "step 'count': state 'n'", record, 'ttl.timestamp')
 */
export function eventTimeOf(time: (record: unknown) => number, where: string, record: unknown, option = 'time'): number {
  const t = time(record)
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new OxiflowError('ERR_EVENT_TIME', `${where}: ${option}(record) must return the record's event time as a finite number ` +
      `of epoch milliseconds (got ${(t as unknown) instanceof Date ? 'a Date; return date.getTime()' : shown(t)}); ` +
      `e.g. ${option.split('.').pop()}: (r) => Date.parse(r.timestamp)`)
  }
  return t
}
