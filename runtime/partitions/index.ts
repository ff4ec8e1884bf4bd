/**
 * Partitioned consumption by several runners, exported as the `partitions` namespace.
 *
 * @example
 * import { partitions } from 'oxiflow'
 * const runner = partitions.run({ group: 'orders', partitions: 4, store: '.oxiflow', pipeline: (p) => build(p) })
 */
import { PartitionRunner } from './partition-runner.ts'
import type { PartitionRunOptions } from './partition-options.ts'

export { PartitionRunner } from './partition-runner.ts'
export type { PartitionsSummary } from './partition-runner.ts'
export type { PartitionRunOptions, PartitionEvent } from './partition-options.ts'

/**
 * Starts this runner's share of a partitioned group (see PartitionRunner): `await runner.done`
 * when every partition ran to its end, `runner.stop()` to leave gracefully.
 *
 * @example
 * const runner = partitions.run({ group: 'orders', partitions: 4, store: '.oxiflow',
 *   pipeline: (p) => pipeline(`orders-p${p}`).source('in', sources.jetstream({ servers, stream: 'ORDERS', subject: `orders.${p}` })) … ,
 *   run: { checkpointInterval: 1000 } })
 * process.on('SIGINT', () => runner.stop())
 */
export function run(options: PartitionRunOptions): PartitionRunner {
  return new PartitionRunner(options)
}
