import type { Aggregator } from '../../runtime/contracts/aggregator.ts'
import { evictError, requireFunction } from './aggregator-checks.ts'
import { type Deque, dequeFront, dequePush, dequeShift, dequeSize } from './deque.ts'

/**
 * `fn` of the oldest record in the window (arrival order), null when empty. Eviction makes the
 * next-oldest the answer, so the accumulator keeps every value in order: memory is O(window size);
 * add and evict are O(1) amortised. Values must be v8-serializable to be snapshotted.
 *
 * @example
 * agg.first((r: { price: number }) => r.price) // the opening price of each window
 */
export function first<R, T>(fn: (record: R) => T): Aggregator<R, Deque<T>, T | null> {
  requireFunction('first', fn)
  return {
    kind: 'first',
    evictsAny: false,
    create: () => ({ items: [], head: 0 }),
    add(acc, record) {
      dequePush(acc, fn(record))
      return acc
    },
    evict(acc) {
      if (dequeSize(acc) === 0) throw evictError('first', 'nothing to evict, the accumulator is empty')
      dequeShift(acc)
      return acc
    },
    // Size, not the front's value, decides emptiness: fn may legitimately return undefined.
    result: acc => (dequeSize(acc) === 0 ? null : dequeFront(acc) as T),
    merge(a, b) {
      for (let i = b.head; i < b.items.length; i++) dequePush(a, b.items[i] as T)
      return a
    },
    // Nothing leaves an append-only window: the first value is all there is to keep (O(1) memory).
    appendOnly: {
      kind: 'first',
      create: (): { n: number; value: T | undefined } => ({ n: 0, value: undefined }),
      add(acc: { n: number; value: T | undefined }, record: R) {
        const x = fn(record)
        if (acc.n++ === 0) acc.value = x
        return acc
      },
      evict(): never { throw evictError('first', 'an append-only accumulator evicts nothing') },
      result: (acc: { n: number; value: T | undefined }) => (acc.n === 0 ? null : acc.value as T),
      merge(a: { n: number; value: T | undefined }, b: { n: number; value: T | undefined }) {
        if (a.n === 0) a.value = b.value
        a.n += b.n
        return a
      },
    },
  }
}
