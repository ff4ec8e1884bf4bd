import type { AccumulatorColumns, Aggregator } from '../../runtime/contracts/aggregator.ts'
import { evictError, finiteNumberOf } from './aggregator-checks.ts'
import { shown } from '../../runtime/option-checks.ts'
import { type Deque, dequeBack, dequeFront, dequePopBack, dequePush, dequeShift } from './deque.ts'

/**
 * Accumulator of `min` and `max`: a monotonic deque of `[seq, value]` pairs, `seq` being the
 * record's arrival number. It holds only records that can still become the extremum — each is
 * better than everything that arrived after it — so the front is the answer. The n-th evicted
 * record is the n-th added one (FIFO), so `evicted` alone tells whether an eviction removes the
 * front, and `evict` never needs to look at the record.
 *
 * @example
 * // min over 5, 3, 4: 5 was dropped when 3 arrived
 * const acc: ExtremumAcc = { items: [[1, 3], [2, 4]], head: 0, added: 3, evicted: 0 }
 */
export interface ExtremumAcc extends Deque<[seq: number, value: number]> {
  /** Records added so far; the next one gets `seq = added`. */
  added: number
  /** Records evicted so far; the next one to go has `seq = evicted`. */
  evicted: number
}

/** Append-only accumulator of `min` / `max`: records seen and the best value. */
export interface RunningExtremum {
  n: number
  value: number
}

/**
 * The monotonic-deque aggregator behind `min` and `max`. `better(a, b)` is true when `a` strictly
 * beats `b`. Add and evict are O(1) amortised: every pair is pushed once and dropped once.
 *
 * @example
 * const min = extremum('min', fn, (a, b) => a < b)
 */
export function extremum<R>(
  kind: string,
  fn: (record: R) => number,
  better: (a: number, b: number) => boolean,
): Aggregator<R, ExtremumAcc, number | null> {
  return {
    kind,
    evictsAny: false,
    create: () => ({ items: [], head: 0, added: 0, evicted: 0 }),
    add(acc, record) {
      const x = finiteNumberOf(kind, fn, record)
      // An older value that does not beat x can never be the extremum again: x outlives it.
      // Ties go too, so equal values keep only the newest (the deque stays strictly monotonic).
      for (let back = dequeBack(acc); back !== undefined && !better(back[1], x); back = dequeBack(acc)) {
        dequePopBack(acc)
      }
      dequePush(acc, [acc.added, x])
      acc.added++
      return acc
    },
    evict(acc) {
      if (acc.evicted === acc.added) throw evictError(kind, 'nothing to evict, the accumulator is empty')
      if (dequeFront(acc)?.[0] === acc.evicted) dequeShift(acc)
      acc.evicted++
      return acc
    },
    result: acc => dequeFront(acc)?.[1] ?? null,
    // Measured on workload W (lengthBatch windows): the deque's pair per record is promoted to
    // the old generation and GC took most of the time (0.08× of a hand loop; 0.36× with this).
    appendOnly: {
      kind,
      create: (): RunningExtremum => ({ n: 0, value: 0 }),
      add(acc: RunningExtremum, record: R) {
        const x = finiteNumberOf(kind, fn, record)
        if (acc.n++ === 0 || better(x, acc.value)) acc.value = x
        return acc
      },
      evict(): never { throw evictError(kind, 'an append-only accumulator evicts nothing') },
      result: (acc: RunningExtremum) => (acc.n === 0 ? null : acc.value),
      merge(a: RunningExtremum, b: RunningExtremum) {
        if (b.n > 0 && (a.n === 0 || better(b.value, a.value))) a.value = b.value
        a.n += b.n
        return a
      },
      columns: extremumColumns(kind, fn, better),
    },
    merge(a, b) {
      const bFront = dequeFront(b)
      if (bFront !== undefined) {
        // Adding b's records one by one would pop exactly a's pairs that b's best does not beat
        // (a's deque is monotonic, so they form its back), and leave b's own deque as it is.
        for (let back = dequeBack(a); back !== undefined && !better(back[1], bFront[1]); back = dequeBack(a)) {
          dequePopBack(a)
        }
        // Renumber b's records to follow a's: b's oldest live record becomes seq a.added.
        const shift = a.added - b.evicted
        for (let i = b.head; i < b.items.length; i++) {
          const [seq, value] = b.items[i]!
          dequePush(a, [seq + shift, value])
        }
      }
      a.added += b.added - b.evicted
      return a
    },
  }
}

/** The append-only accumulator `{ n, value }` as one field of a row (the row keeps `n`): `add`, `merge` and the result exactly as on the object. */
function extremumColumns<R>(kind: string, fn: (record: R) => number, better: (a: number, b: number) => boolean): AccumulatorColumns<number | null> {
  return {
    width: 1,
    init(d, i) {
      d[i] = 0
    },
    value: (record) => finiteNumberOf(kind, fn, record as R),
    finite: fn as (record: unknown) => unknown,
    add(d, i, x, n) {
      if (n === 0 || better(x, d[i])) d[i] = x
    },
    merge(d, into, from, nInto, nFrom) {
      if (nFrom > 0 && (nInto === 0 || better(d[from], d[into]))) d[into] = d[from]
    },
    result: (d, i, n) => (n === 0 ? null : d[i]),
    load(d, i, acc) {
      const a = acc as RunningExtremum
      if (typeof a?.n !== 'number' || typeof a.value !== 'number') throw new RangeError(`${kind}: expected { n, value }, got ${shown(acc)}`)
      d[i] = a.value
      return a.n
    },
  }
}
