/**
 * Prepares the JetStream examples' stream: creates it when missing (10-minute duplicate window,
 * so a restore within 10 minutes publishes nothing twice) and, when its input subjects are empty,
 * publishes `orders` seeded orders — idempotent, so running an example twice seeds once.
 *
 *   node --import tsx examples/jetstream-setup.ts partitions   prepares OXIFLOW_PARTS for jetstream-partitions.ts
 *   node --import tsx examples/jetstream-setup.ts windows      prepares OXIFLOW_DEMO (jetstream-windows.ts does it itself)
 *
 * Env: NATS_URL (default 127.0.0.1:4222), ORDERS (default 20,000 for windows, 200,000 for partitions).
 */
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, type MsgRequest } from '@nats-io/jetstream'
import { nanos } from '@nats-io/nats-core'
import { keyGroupOf } from '../index.ts'

/** An order as the examples publish it: `ts` is epoch ms, about 10 orders per second of event time. */
export interface Order { readonly id: number; readonly user: string; readonly amount: number; readonly ts: number }

/** Order `id`: the same for every run (a deterministic mix, no Math.random). */
export function order(id: number): Order {
  const h = Math.imul(id ^ 0x5bd1e995, 0x9e3779b1) >>> 0
  return { id, user: `u${h % 50}`, amount: (h >>> 8) % 10_000 / 100, ts: 1_700_000_000_000 + id * 100 + (h % 700) }
}

/**
 * Creates stream `stream` over `subjects` when missing, and publishes `count` orders spread over
 * `inputs(id)` (a subject per order) when none of those subjects holds a message yet.
 */
export async function prepareStream(servers: string, stream: string, subjects: string[], count: number, input: (o: Order) => string): Promise<void> {
  const nc = await connect({ servers })
  try {
    const jsm = await jetstreamManager(nc)
    await jsm.streams.info(stream).catch(() => jsm.streams.add({ name: stream, subjects, duplicate_window: nanos(10 * 60_000) }))
    const targets = [...new Set(Array.from({ length: Math.min(count, 1000) }, (_, i) => input(order(i))))]
    for (const subject of targets) {
      const any = await jsm.streams.getMessage(stream, { seq: 1, next_by_subj: subject } as unknown as MsgRequest).catch(() => null)
      if (any !== null) return // seeded already
    }
    const js = jetstream(nc)
    for (let i = 0; i < count; i += 512) {
      const batch = Array.from({ length: Math.min(512, count - i) }, (_, k) => order(i + k))
      await Promise.all(batch.map((o) => js.publish(input(o), JSON.stringify(o))))
    }
    process.stderr.write(`seeded ${count} orders into stream ${stream}\n`)
  } finally {
    await nc.close()
  }
}

/** The partitioned example's 4 partitions: by user, so a user's windows are whole in one partition. */
export const PARTITIONS = 4
export function partitionOf(o: Order): number {
  return keyGroupOf(o.user, PARTITIONS)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const servers = process.env.NATS_URL ?? '127.0.0.1:4222'
  const which = process.argv[2] ?? 'windows'
  if (which === 'partitions') {
    await prepareStream(servers, 'OXIFLOW_PARTS', ['parts.>'], Number(process.env.ORDERS ?? 200_000), (o) => `parts.orders.${partitionOf(o)}`)
  } else {
    await prepareStream(servers, 'OXIFLOW_DEMO', ['demo.>'], Number(process.env.ORDERS ?? 20_000), () => 'demo.orders')
  }
}
