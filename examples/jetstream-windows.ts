/**
 * Streaming from a broker: orders from a NATS JetStream stream, spend per user per minute of
 * event time (tumbling windows), published back to JetStream — exactly-once with checkpoints.
 *
 *   node bin/oxiflow.mjs run examples/jetstream-windows.ts --store .oxiflow --checkpoint-interval 1000 --restore latest
 *
 * Needs nats-server with JetStream on 127.0.0.1:4222 (or params.servers / NATS_URL). The first
 * run creates stream OXIFLOW_DEMO (subjects demo.>) and seeds 20,000 orders on demo.orders
 * (params.orders); the job reads them to the end of the stream and stops; the totals are on
 * demo.totals (`nats sub --stream OXIFLOW_DEMO demo.totals` or `nats stream view`).
 * `--params '{"follow":true}'` keeps reading new orders until Ctrl-C (which takes a final
 * checkpoint); `stream` and `prefix` (default OXIFLOW_DEMO, demo) name another stream and subjects. Kill it (even with kill -9) and run the same command again: it resumes from the
 * last checkpoint and JetStream drops what is published twice (its duplicate window is 10
 * minutes here), so demo.totals holds each window once.
 */
import { agg, pipeline, sinks, sources, windows } from '../index.ts'
import { prepareStream, type Order } from './jetstream-setup.ts'

interface Params { servers?: string; orders?: number; follow?: boolean; stream?: string; prefix?: string }

export default async function jetstreamWindows(params: Params = {}) {
  const { servers = process.env.NATS_URL ?? '127.0.0.1:4222', orders = 20_000, follow = false, stream = 'OXIFLOW_DEMO', prefix = 'demo' } = params
  // Idempotent: creates and seeds the stream only the first time (before the job starts).
  await prepareStream(servers, stream, [`${prefix}.>`], orders, () => `${prefix}.orders`)
  return pipeline(`jetstream-windows-${stream}`)
    .source('orders', sources.jetstream<Order>({ servers, stream, subject: `${prefix}.orders`, stopAtEnd: !follow }))
    .keyBy((o) => o.user)
    .window('minute', windows.tumbling({ size: 60_000, time: (o) => o.ts, maxOutOfOrderness: 1_000 }))
    .aggregate('spend', { orders: agg.count(), spent: agg.sum((o) => o.amount), largest: agg.max((o) => o.amount) })
    .sink('totals', sinks.jetstream({ servers, subject: `${prefix}.totals` }))
}
