/**
 * Several runners sharing one stream: the orders of stream OXIFLOW_PARTS are split into 4
 * partitions by user (subjects parts.orders.0 … parts.orders.3); each partition is its own
 * pipeline (per-user, per-minute spend, as examples/jetstream-windows.ts) and each is run by
 * one runner at a time, through leases in the shared store. Seed the stream once, then start
 * the example in two terminals:
 *
 *   node --import tsx examples/jetstream-setup.ts partitions
 *   OXIFLOW_RUNNER_ID=a node --import tsx examples/jetstream-partitions.ts
 *   OXIFLOW_RUNNER_ID=b node --import tsx examples/jetstream-partitions.ts
 *
 * Each runner takes its fair share (2 of 4); kill one (even kill -9) and the other takes its
 * partitions over — at once on the same machine, after the lease TTL (15 s) from another —
 * restoring them from their checkpoints. Totals land on parts.totals, each window once. Both
 * runners exit when every partition has been read to the stream's end; Ctrl-C leaves
 * gracefully (a final checkpoint per partition, handed to the other runner).
 * Seeding is a step of its own: a runner that started while the stream was still being filled
 * would fix its partitions' ends (stopAtEnd) too early.
 * Env: NATS_URL (default 127.0.0.1:4222), OXIFLOW_STORE (default .oxiflow; use a redis:// or
 * postgres:// store for runners on several machines).
 */
import { agg, partitions, pipeline, sinks, sources, windows } from '../index.ts'
import { PARTITIONS, type Order } from './jetstream-setup.ts'

const servers = process.env.NATS_URL ?? '127.0.0.1:4222'

const runner = partitions.run({
  group: 'jetstream-partitions',
  partitions: PARTITIONS,
  store: process.env.OXIFLOW_STORE ?? '.oxiflow',
  pipeline: (p) => pipeline(`jetstream-partitions-p${p}`)
    .source('orders', sources.jetstream<Order>({ servers, stream: 'OXIFLOW_PARTS', subject: `parts.orders.${p}`, stopAtEnd: true }))
    .keyBy((o) => o.user)
    .window('minute', windows.tumbling({ size: 60_000, time: (o) => o.ts, maxOutOfOrderness: 1_000 }))
    .aggregate('spend', { orders: agg.count(), spent: agg.sum((o) => o.amount) })
    .sink('totals', sinks.jetstream({ servers, subject: 'parts.totals' })),
  run: { checkpointInterval: 1000 },
  onEvent: (e) => process.stderr.write(`${e.runner}: partition ${e.partition} ${e.kind}${e.checkpointId === undefined ? '' : ` (restored from checkpoint ${e.checkpointId})`}\n`),
})
process.once('SIGINT', () => { void runner.stop() })
const summary = await runner.done
process.stderr.write(`${summary.runner}: ${summary.status}; ran partitions ${Object.keys(summary.completed).join(', ') || 'none'} to the end\n`)
