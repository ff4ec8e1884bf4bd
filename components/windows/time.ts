import type { Window } from '../../runtime/contracts/window.ts'
import { queueShift, queueSize, type RecordQueue } from '../../runtime/operators/window/record-queue.ts'
import { positiveInteger } from './window-options.ts'

/**
 * One key's sliding processing-time window: arrival times and records of the last `ms`, their aggregate.
 *
 * @example
 * const s: TimeState = { arrivals: { items: [1000], head: 0 }, records: { items: [r], head: 0 }, acc }
 */
export interface TimeState {
  arrivals: RecordQueue<number>
  records: RecordQueue
  acc: unknown
}

/**
 * Sliding processing-time window on the job's clock: a record stays in its key's window for `ms`
 * after it arrived (it leaves once the clock reaches arrival + ms). The window fires on every
 * record, on arrival, over the records that arrived in the last `ms` including this one:
 * `windowStart`/`windowEnd` are [now − ms + 1, now + 1) in epoch ms. Nothing fires when records
 * expire; an expired key's state is dropped by a timer. Nothing is left to fire at the end.
 * Memory: the records of the last `ms` per key. Tests drive it with `run({ clock: virtualClock() })`.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.user).window('last-minute', windows.time(60_000))
 *   .aggregate('rate', { n: agg.count() })
 */
export function time(ms: number): Window<unknown, TimeState> {
  positiveInteger('time', 'ms', ms, ' of milliseconds')
  const expire = (host: Parameters<Window['add']>[0], state: TimeState, now: number): void => {
    while (queueSize(state.arrivals) > 0 && state.arrivals.items[state.arrivals.head] <= now - ms) {
      queueShift(state.arrivals)
      state.acc = host.acc.evict(state.acc, queueShift(state.records))
    }
  }
  return {
    kind: 'window',
    type: 'time',
    description: `time(${ms})`,
    time: 'processing',
    mode: 'fifo',
    stateVersion: '1.2.0',
    parameters: `ms: ${ms}`,
    eventTime: undefined,
    create: (host) => ({ arrivals: { items: [], head: 0 }, records: { items: [], head: 0 }, acc: host.acc.create() }),
    add(host, key, state, record, now) {
      state.acc = host.acc.add(state.acc, record)
      state.arrivals.items.push(now)
      state.records.items.push(record)
      expire(host, state, now)
      host.emit(key, now - ms + 1, now + 1, state.acc)
    },
    due: (state) => (queueSize(state.arrivals) > 0 ? state.arrivals.items[state.arrivals.head] + ms : Infinity),
    fire(host, _key, state, now) {
      expire(host, state, now)
    },
    flush() {},
  }
}
