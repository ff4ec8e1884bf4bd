import type { Window, WindowHost } from '../../runtime/contracts/window.ts'
import { positiveInteger } from './window-options.ts'

/**
 * One key's open batch: its first record's sequence number, how many it holds, their aggregate.
 *
 * @example
 * const s: LengthBatchState = { start: 200, count: 3, acc } // records 200..202 of the key
 */
export interface LengthBatchState {
  start: number
  count: number
  acc: unknown
}

/**
 * Tumbling count window: per key, every `n` records form one window, which fires when its n-th
 * record arrives. `windowStart`/`windowEnd` are the key's record sequence numbers [first, last + 1)
 * (0-based per key): [0, n), [n, 2n), … At the end of a bounded input a partial batch fires
 * (e.g. [2n, 2n + 3)); on `job.stop()` it stays in state. Memory: one accumulator per key.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.user).window('w', windows.lengthBatch(100))
 *   .aggregate('per100', { n: agg.count(), total: agg.sum((r) => r.value) })
 */
export function lengthBatch(n: number): Window<unknown, LengthBatchState> {
  positiveInteger('lengthBatch', 'n', n)
  return {
    kind: 'window',
    type: 'lengthBatch',
    description: `lengthBatch(${n})`,
    time: 'count',
    mode: 'append',
    // 1.1.0: with aggregates in columns, the step keeps a key's batch as a row; state in objects is
    // captured after the barrier as a serialized part (1.0.0 snapshots still restore).
    stateVersion: '1.2.0',
    parameters: `n: ${n}`,
    eventTime: undefined,
    create: (host) => ({ start: 0, count: 0, acc: host.acc.create() }),
    add(host, key, state, record) {
      state.acc = host.acc.add(state.acc, record)
      // ≥, not ===: a state restored from a larger n still fires.
      if (++state.count >= n) fire(host, key, state)
    },
    due: () => Infinity,
    fire() {},
    flush(host, key, state) {
      if (state.count > 0) fire(host, key, state)
    },
    shape: { kind: 'count', size: n },
  }
}

function fire(host: WindowHost, key: unknown, state: LengthBatchState): void {
  host.emit(key, state.start, state.start + state.count, state.acc)
  state.start += state.count
  state.count = 0
  state.acc = host.acc.create()
}
