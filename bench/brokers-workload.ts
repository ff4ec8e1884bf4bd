/**
 * The broker benchmark's workload: N events over 1,000 keys, 10 per ms of event time, on a JetStream stream, split into 2
 * partition subjects by key (`<stream>.in.0`, `.in.1`), counted per key in 1-second tumbling
 * event-time windows, the window rows published back to JetStream. The same work three ways:
 * a plain client loop, one oxiflow runner, two oxiflow runners (partitions).
 */
import { connect } from '@nats-io/transport-node'
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { agg, keyGroupOf, pipeline, sinks, sources, windows } from '../index.ts'

export const SERVERS = process.env.BENCH_NATS ?? '127.0.0.1:4222'
export const PARTITIONS = 2
export interface Event { readonly id: number; readonly key: string; readonly ts: number }
export interface Row { readonly key: string; readonly windowStart: number; readonly windowEnd: number; readonly n: number }

export function event(id: number): Event {
  return { id, key: `k${(Math.imul(id, 0x9e3779b1) >>> 0) % 1000}`, ts: 1_700_000_000_000 + Math.floor(id / 10) }
}

export const partitionOf = (key: string): number => keyGroupOf(key, PARTITIONS)

/** Creates the stream and publishes `count` events (not timed). */
export async function seed(stream: string, count: number): Promise<void> {
  const nc = await connect({ servers: SERVERS })
  try {
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${stream}.>`] })
    const js = jetstream(nc)
    for (let i = 0; i < count; i += 1024) {
      await Promise.all(Array.from({ length: Math.min(1024, count - i) }, (_, k) => {
        const e = event(i + k)
        return js.publish(`${stream}.in.${partitionOf(e.key)}`, JSON.stringify(e))
      }))
    }
  } finally { await nc.close() }
}

export async function dropStream(stream: string): Promise<void> {
  const nc = await connect({ servers: SERVERS })
  try { await (await jetstreamManager(nc)).streams.delete(stream) } finally { await nc.close() }
}

/** The oxiflow job of one partition (or of all, with subject `<stream>.in.*`). */
export function windowJob(id: string, stream: string, subject: string, out: string) {
  return pipeline(id)
    .source('in', sources.jetstream<Event>({ servers: SERVERS, stream, subject, stopAtEnd: true }))
    .keyBy((e) => e.key)
    .window('second', windows.tumbling({ size: 1000, time: (e) => e.ts }))
    .aggregate('counts', { n: agg.count() })
    .sink('out', sinks.jetstream({ servers: SERVERS, subject: out }))
}

/**
 * The baseline: what a user writes by hand with the client — an ordered consumer over the input,
 * counts per key and window in a Map, the rows published at the end (256 in flight). No
 * checkpoints, no restore, no dedup: the cheapest correct program for the same output.
 */
export async function plainLoop(stream: string, out: string): Promise<number> {
  const nc = await connect({ servers: SERVERS })
  try {
    const jsm = await jetstreamManager(nc)
    const last = (await jsm.streams.info(stream)).state.last_seq
    const js = jetstream(nc)
    const consumer = await js.consumers.get(stream, { filter_subjects: `${stream}.in.*`, deliver_policy: DeliverPolicy.All })
    const messages = await consumer.consume({ max_messages: 1024 })
    const counts = new Map<string, number>()
    for await (const m of messages) {
      const e = JSON.parse(m.string()) as Event
      const start = Math.floor(e.ts / 1000) * 1000
      const k = `${e.key}\u0000${start}`
      counts.set(k, (counts.get(k) ?? 0) + 1)
      if (m.info.pending === 0 || m.seq >= last) break
    }
    await messages.close()
    const rows = [...counts].map(([k, n]) => {
      const [key, start] = k.split('\u0000')
      return JSON.stringify({ key, windowStart: Number(start), windowEnd: Number(start) + 1000, n })
    })
    for (let i = 0; i < rows.length; i += 256) await Promise.all(rows.slice(i, i + 256).map((r) => js.publish(out, r)))
    return rows.length
  } finally { await nc.close() }
}

/** The rows on `subject`, as a sorted text (to compare the variants' outputs). */
export async function outputOf(stream: string, subject: string): Promise<string> {
  const nc = await connect({ servers: SERVERS })
  try {
    const jsm = await jetstreamManager(nc)
    const info = await jsm.streams.info(stream, { subjects_filter: subject })
    const total = (info.state.subjects as Record<string, number> | undefined)?.[subject] ?? 0
    const rows: string[] = []
    if (total === 0) return ''
    const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: subject })
    const messages = await consumer.consume({ max_messages: 1024 })
    for await (const m of messages) {
      const r = JSON.parse(m.string()) as Row
      rows.push(`${r.key},${r.windowStart},${r.windowEnd},${r.n}`)
      if (m.info.pending === 0) break
    }
    await messages.close()
    return rows.sort().join('\n')
  } finally { await nc.close() }
}
