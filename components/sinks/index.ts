/**
 * The built-in sinks, exported from the package as the `sinks` namespace.
 *
 * @example
 * import { sinks } from 'oxiflow'
 * pipeline('p').source('n', sources.iterable([1, 2])).sink('out', sinks.collect())
 */
export { collect } from './collect.ts'
export { jsonl } from './jsonl.ts'
export { console } from './console.ts'
export type { CollectSink, CollectWriter } from './collect.ts'
export type { ConsoleOptions } from './console.ts'
export { jetstream } from './jetstream.ts'
export { redisStream } from './redis-stream.ts'
export type { JetStreamSinkOptions, JetStreamSinkResult } from './jetstream.ts'
export type { RedisStreamSinkOptions, RedisStreamSinkResult } from './redis-stream.ts'
