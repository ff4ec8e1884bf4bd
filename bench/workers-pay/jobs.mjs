// Pipeline module of bench/workers-pay.ts, in plain JavaScript on the built package ('oxiflow' is
// this repository's dist/, by its package name), so that neither the main thread nor a worker
// loads TypeScript: what a user's compiled app runs. Each worker imports it again.
//
// params.job:
// - 'count': flights counted per origin — `jsonl → keyBy(origin) → .process (a Map) → jsonl`;
//   with `keyed: false` the same without keyBy (each split counts its own records, output is per
//   split): the price of the keyed exchange, by difference;
// - 'hourly': `jsonl → keyBy(origin) → window(tumbling 1 h on ts) → aggregate({ n, avgDelay,
//   maxDelay }) → jsonl`;
// - 'pass': each flight cut to { id, origin, delay } — `jsonl → map → jsonl`, 1M lines out (no
//   hand loop in the bench: the child runs it for A/B comparisons of the file path).
// params.chunkSize (optional): the jsonl source's chunkSize (bytes; absent: its default).
import { agg, pipeline, sinks, sources, windows } from 'oxiflow'

const HOUR = 3_600_000

export default (params) => {
  const flights = pipeline(`workers-pay-${params.job}`).source('flights', sources.jsonl(params.input, params.chunkSize === undefined ? {} : { chunkSize: params.chunkSize }))
  if (params.job === 'hourly') {
    return flights.keyBy((r) => r.origin)
      .window('hour', windows.tumbling({ size: HOUR, time: (r) => r.ts, maxOutOfOrderness: 60_000 }))
      .aggregate('per-hour', { n: agg.count(), avgDelay: agg.avg((r) => r.delay), maxDelay: agg.max((r) => r.delay) })
      .sink('out', sinks.jsonl(params.output))
  }
  if (params.job === 'pass') {
    return flights.map('cut', (r) => ({ id: r.id, origin: r.origin, delay: r.delay })).sink('out', sinks.jsonl(params.output))
  }
  const perOrigin = () => {
    const counts = new Map()
    return {
      onBatch(records) { for (const r of records) counts.set(r.origin, (counts.get(r.origin) ?? 0) + 1) },
      onEnd(ctx) { for (const [origin, n] of counts) ctx.emit({ origin, n }) },
    }
  }
  return (params.keyed ? flights.keyBy((r) => r.origin) : flights)
    .process('per-origin', perOrigin, params.keyed ? {} : { parallelism: Math.max(1, params.workers) })
    .sink('out', sinks.jsonl(params.output))
}
