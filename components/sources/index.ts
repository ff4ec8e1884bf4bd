/**
 * The built-in sources, exported from the package as the `sources` namespace.
 *
 * @example
 * import { sources } from 'oxiflow'
 * pipeline('p').source('events', sources.generator({ seed: 1, count: 1000 }))
 */
export { iterable } from './iterable.ts'
export { generator } from './generator.ts'
export { jsonl } from './jsonl.ts'
export { csv } from './csv.ts'
export type { IterableOptions } from './iterable.ts'
export type { GeneratorOptions, GeneratedRecord } from './generator.ts'
export type { JsonlOptions } from './jsonl.ts'
export type { CsvOptions } from './csv.ts'
export { jetstream } from './jetstream.ts'
export { redisStream } from './redis-stream.ts'
export type { JetStreamSourceOptions, JetStreamPosition } from './jetstream.ts'
export type { RedisStreamSourceOptions, RedisStreamPosition } from './redis-stream.ts'
