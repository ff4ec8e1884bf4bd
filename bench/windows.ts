/**
 * Claims of the windows issue, in one run (inline):
 * 1. event-time tumbling windows (1 s) over 10,000 keys: events/s;
 * 2. sliding count windows `length(n)` with min and max at n = 100, 1,000 and 10,000: the cost
 *    per record stays flat as n grows (monotonic deques, no re-scan of the window).
 * Run: node --expose-gc --import tsx bench/windows.ts
 */
import { agg, pipeline, sources, windows, type Sink } from '../index.ts'
import { collectGarbage, environment, formatEnvironment, spread } from './measure.ts'
import { mulberry32 } from './workload-w.ts'

interface Ev { key: string; value: number; ts: number }
const n = 2_000_000
const rounds = 3
let emitted = 0
const counting: Sink<unknown> = { kind: 'sink', description: 'count', open: () => ({ write(rs) { emitted += rs.length } }) }

function events(keys: number): Ev[] {
  const rnd = mulberry32(9)
  const names = Array.from({ length: keys }, (_, i) => `k${i}`)
  // Event time advances 1 ms per 20 events, with up to 50 ms of disorder.
  return Array.from({ length: n }, (_, i) => ({ key: names[Math.floor(rnd() * keys)]!, value: Math.floor(rnd() * 1000), ts: 1_700_000_000_000 + Math.floor(i / 20) - Math.floor(rnd() * 50) }))
}

async function measure(run: () => Promise<unknown>): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i <= rounds; i++) {
    collectGarbage()
    const t = performance.now()
    await run()
    if (i > 0) ms.push(performance.now() - t)
  }
  return spread(ms).median
}

console.log(formatEnvironment(environment()))
const tenK = events(10_000)
const tumblingMs = await measure(() => pipeline('tumbling').source('in', sources.iterable(tenK)).keyBy((r) => r.key)
  .window('second', windows.tumbling({ size: 1000, time: (r: Ev) => r.ts, maxOutOfOrderness: 100 }))
  .aggregate('stats', { n: agg.count(), sum: agg.sum((r: Ev) => r.value) }).sink('out', counting).run().done)
console.log(`\n## Event-time tumbling windows (1 s, maxOutOfOrderness 100 ms), 10,000 keys, ${n.toLocaleString()} events\n`)
console.log(`${(n / tumblingMs * 1000 / 1e6).toFixed(2)} M events/s (median of ${rounds} after a warm-up)`)

const tenKeys = events(10)
console.log(`\n## Sliding length(n) windows with min and max, 10 keys, ${n.toLocaleString()} events (one result per event)\n`)
console.log('| n | events/s | ns per event |\n|--:|--:|--:|')
for (const size of [100, 1_000, 10_000]) {
  const ms = await measure(() => pipeline('sliding').source('in', sources.iterable(tenKeys)).keyBy((r) => r.key)
    .window('last-n', windows.length(size)).aggregate('range', { lo: agg.min((r: Ev) => r.value), hi: agg.max((r: Ev) => r.value) })
    .sink('out', counting).run().done)
  console.log(`| ${size.toLocaleString()} | ${(n / ms * 1000 / 1e6).toFixed(2)} M/s | ${(ms * 1e6 / n).toFixed(0)} |`)
}
void emitted
