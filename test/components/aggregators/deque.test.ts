import test from 'ava'
import type { Aggregator } from '../../../runtime/contracts/aggregator.ts'
import { first } from '../../../components/aggregators/first.ts'
import { max } from '../../../components/aggregators/max.ts'
import { min } from '../../../components/aggregators/min.ts'
import { dequeBack, dequeFront, dequePopBack, dequePush, dequeShift, dequeSize, type Deque } from '../../../components/aggregators/deque.ts'

test('deque shifts from the front and pops from the back in order', t => {
  const d: Deque<number> = { items: [], head: 0 }
  for (let i = 1; i <= 5; i++) dequePush(d, i)
  t.is(dequeShift(d), 1)
  t.is(dequePopBack(d), 5)
  t.is(dequeFront(d), 2)
  t.is(dequeBack(d), 4)
  t.is(dequeSize(d), 3)
  t.is(dequeShift(d), 2)
  t.is(dequeShift(d), 3)
  t.is(dequeShift(d), 4)
  t.is(dequeShift(d), undefined)
  t.deepEqual(d, { items: [], head: 0 }) // emptied: reset, nothing dead kept
})

// A sliding window of 1000 over 1e5 records: the deques must compact their dead prefix, so the
// arrays (and snapshots) stay within about twice the live items.
const sliding: Array<[string, Aggregator<{ value: number }, Deque<unknown>, unknown>, (i: number) => number]> = [
  ['min over increasing values (every value stays in the deque)', min((r: { value: number }) => r.value), i => i],
  ['max over decreasing values (every value stays in the deque)', max((r: { value: number }) => r.value), i => -i],
  ['first', first((r: { value: number }) => r.value), i => i],
]

for (const [name, aggregator, valueAt] of sliding) {
  test(`${name}: memory stays within about twice the window over 1e5 evictions`, t => {
    const window = 1000
    let acc = aggregator.create()
    let largest = 0
    for (let i = 0; i < 100_000 + window; i++) {
      acc = aggregator.add(acc, { value: valueAt(i) })
      if (i >= window) acc = aggregator.evict(acc, { value: valueAt(i - window) })
      largest = Math.max(largest, acc.items.length)
    }
    t.is(dequeSize(acc), window)
    t.true(largest <= 2 * window + 2, `largest array ${largest}`)
    t.is(aggregator.result(acc), valueAt(100_000))
  })
}
