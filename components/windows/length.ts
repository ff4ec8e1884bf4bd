import type { Window } from '../../runtime/contracts/window.ts'
import { queueShift, queueSize, type RecordQueue } from '../../runtime/operators/window/record-queue.ts'
import { positiveInteger } from './window-options.ts'

/**
 * One key's sliding count window: the next sequence number, its last ≤ n records, their aggregate.
 *
 * @example
 * const s: LengthState = { seq: 7, records: { items: [r5, r6], head: 0 }, acc } // n = 2
 */
export interface LengthState {
  seq: number
  records: RecordQueue
  acc: unknown
}

/**
 * Sliding count window: on every record of a key (from the first), the window over that key's
 * last `n` records fires — fewer while the key has had fewer than n. `windowStart`/`windowEnd` are
 * sequence numbers [first, last + 1): [0, 1), [0, 2), …, [0, n), [1, n + 1), … Aggregates evict
 * the oldest record incrementally (O(1) amortised per record). Nothing is left to fire at the
 * end. Memory: the key's last n records.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.sensor).window('last10', windows.length(10))
 *   .aggregate('smooth', { mean: agg.avg((r) => r.value) })
 */
export function length(n: number): Window<unknown, LengthState> {
  positiveInteger('length', 'n', n)
  return {
    kind: 'window',
    type: 'length',
    description: `length(${n})`,
    time: 'count',
    mode: 'fifo',
    stateVersion: '1.2.0',
    parameters: `n: ${n}`,
    eventTime: undefined,
    create: (host) => ({ seq: 0, records: { items: [], head: 0 }, acc: host.acc.create() }),
    add(host, key, state, record) {
      // Add before evicting: a throwing add then leaves the window as it was.
      state.acc = host.acc.add(state.acc, record)
      state.records.items.push(record)
      state.seq++
      while (queueSize(state.records) > n) state.acc = host.acc.evict(state.acc, queueShift(state.records))
      host.emit(key, state.seq - queueSize(state.records), state.seq, state.acc)
    },
    due: () => Infinity,
    fire() {},
    flush() {},
  }
}
