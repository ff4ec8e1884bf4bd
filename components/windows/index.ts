/**
 * The `windows` namespace: how a window step groups each key's records. Count windows
 * (`length`, `lengthBatch`, `sort`), processing-time windows on the job's clock (`time`,
 * `timeBatch`) and event-time windows (`tumbling`, `sliding`, `session`). docs/windows.md gives
 * every firing rule.
 *
 * @example
 * import { pipeline, windows, agg, sinks } from 'oxiflow'
 * p.source('in', src).keyBy((r) => r.user).window('w', windows.lengthBatch(100))
 *   .aggregate('stats', { n: agg.count(), total: agg.sum((r) => r.value) }).sink('out', sinks.collect())
 */
export type { Window } from '../../runtime/contracts/window.ts'
export { length } from './length.ts'
export { lengthBatch } from './length-batch.ts'
export { time } from './time.ts'
export { timeBatch } from './time-batch.ts'
export { tumbling, type TumblingOptions } from './tumbling.ts'
export { sliding, type SlidingOptions } from './sliding.ts'
export { session, type SessionOptions } from './session.ts'
export { sort } from './sort.ts'
