import { OxiflowError } from '../../errors/oxiflow-error.ts'
import { shown } from '../../option-checks.ts'

/**
 * A record's event time from a user's time function — a window's `time`, a state TTL's
 * `timestamp` (`option`, as the message names it) — checked: a finite number of epoch
 * milliseconds within a Date's range, else an OxiflowError (ERR_EVENT_TIME) naming where and what it got.
 *
 * @example
 * const t = eventTimeOf((r) => r.ts, 'tumbling({ size: 1000 })', record)
 * eventTimeOf((r) => r.ts, "step 'count': state 'n'", record, 'ttl.timestamp')
 */
export function eventTimeOf(time: (record: unknown) => number, where: string, record: unknown, option = 'time'): number {
  const t = time(record)
  if (typeof t !== 'number' || !(Math.abs(t) <= MAX_EVENT_TIME)) {
    const got = (t as unknown) instanceof Date ? 'a Date; return date.getTime()'
      : typeof t === 'number' && Number.isFinite(t) ? `${t}, beyond a Date's range: nanoseconds? divide by 1e6` : shown(t)
    throw new OxiflowError('ERR_EVENT_TIME', `${where}: ${option}(record) must return the record's event time as a finite number ` +
      `of epoch milliseconds within ±8.64e15 (got ${got}); e.g. ${option.split('.').pop()}: (r) => Date.parse(r.timestamp)`)
  }
  return t
}

/**
 * The largest event time, as a Date's (±100,000,000 days from 1970). Beyond it windows cannot be
 * cut (past 2^53 a window's start equals its end) and every later record of the instance was late.
 */
const MAX_EVENT_TIME = 8.64e15
