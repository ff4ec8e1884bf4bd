import test from 'ava'
import type { Aggregator } from '../../../runtime/contracts/aggregator.ts'
import * as agg from '../../../components/aggregators/index.ts'

const value = (r: { value: number }) => r.value

// [aggregator, result of an empty window, result of the window [4, 1, 4]]
const table: Array<[Aggregator<{ value: number }, any, any>, unknown, unknown]> = [
  [agg.count(), 0, 3],
  [agg.sum(value), 0, 9],
  [agg.avg(value), null, 3],
  [agg.min(value), null, 1],
  [agg.max(value), null, 4],
  [agg.distinctCount(value), 0, 2],
  [agg.stddev(value), null, Math.sqrt(2)],
  [agg.first(value), null, 4],
  [agg.last(value), null, 4],
  [agg.percentile(value, 50), null, 4],
]

for (const [aggregator, empty, full] of table) {
  test(`${aggregator.kind} of an empty window is ${String(empty)}, fresh or after evicting everything`, t => {
    const records = [4, 1, 4].map(v => ({ value: v }))
    let acc = aggregator.create()
    t.is(aggregator.result(acc), empty)
    for (const r of records) acc = aggregator.add(acc, r)
    t.is(aggregator.result(acc), full)
    for (const r of records) acc = aggregator.evict(acc, r)
    t.is(aggregator.result(acc), empty)
    // …and an emptied accumulator works like a fresh one.
    acc = aggregator.add(acc, { value: 7 })
    t.deepEqual(aggregator.result(acc), aggregator.result(aggregator.add(aggregator.create(), { value: 7 })))
  })
}

test('kinds name the aggregators', t => {
  t.deepEqual(table.map(([a]) => a.kind), ['count', 'sum', 'avg', 'min', 'max', 'distinctCount', 'stddev', 'first', 'last', 'percentile'])
})
