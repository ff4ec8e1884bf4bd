import type { Window, WindowHost } from '../../runtime/contracts/window.ts'
import { positiveInteger } from './window-options.ts'

/**
 * One key's open processing-time batch: its start, how many records it holds, their aggregate.
 *
 * @example
 * const s: TimeBatchState = { start: 1000, count: 2, acc } // [1000, 1000 + ms) holds 2 records
 */
export interface TimeBatchState {
  start: number
  count: number
  acc: unknown
}

/**
 * Tumbling processing-time window on the job's clock, aligned to multiples of `ms` since the epoch:
 * a record arriving at `now` joins [⌊now/ms⌋·ms, ⌊now/ms⌋·ms + ms), which fires once the clock
 * reaches its end (a timer of the step). A window that became due while the job was stopped fires
 * at once after a restore. At the end of a bounded input the open windows fire early, with their
 * nominal bounds; on `job.stop()` they stay in state. Keys without records emit nothing.
 * Memory: one accumulator per key with an open window.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.page).window('per-second', windows.timeBatch(1000))
 *   .aggregate('hits', { n: agg.count() })
 */
export function timeBatch(ms: number): Window<unknown, TimeBatchState> {
  positiveInteger('timeBatch', 'ms', ms, ' of milliseconds')
  return {
    kind: 'window',
    type: 'timeBatch',
    description: `timeBatch(${ms})`,
    time: 'processing',
    mode: 'append',
    stateVersion: '1.2.0',
    parameters: `ms: ${ms}`,
    eventTime: undefined,
    create: (host) => ({ start: 0, count: 0, acc: host.acc.create() }),
    add(host, key, state, record, now) {
      const start = Math.floor(now / ms) * ms
      // The key's previous window is over (its timer may not have run yet): it fires first.
      if (state.count > 0 && state.start !== start) fire(host, key, state, ms)
      state.acc = host.acc.add(state.acc, record)
      state.start = start
      state.count++
    },
    due: (state) => (state.count > 0 ? state.start + ms : Infinity),
    fire(host, key, state, now) {
      if (state.count > 0 && state.start + ms <= now) fire(host, key, state, ms)
    },
    flush(host, key, state) {
      if (state.count > 0) fire(host, key, state, ms)
    },
  }
}

function fire(host: WindowHost, key: unknown, state: TimeBatchState, ms: number): void {
  host.emit(key, state.start, state.start + ms, state.acc)
  state.count = 0
  state.acc = host.acc.create()
}
