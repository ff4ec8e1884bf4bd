/**
 * Claim: flat records cross threads columnar (runtime/channels/exchange/columnar-codec.ts) for a small
 * fraction of what structured clone costs, and irregular records cost no more than plain clone
 * plus the failed shape check. With a string table per channel (ChannelEncoder/ChannelDecoder,
 * what RemoteSender and RemoteReceiver use), repeating keys cross once and then by id, and
 * unique string ids (where a table cannot help) cost no more than the stateless codec.
 *
 * Part 1, across threads: the main thread encodes batches and posts them (with their transfer
 * list) on a MessageChannel to a worker_threads Worker, which decodes each batch, reads `value`
 * from every record and acknowledges it. Up to CREDITS batches are in flight, as a channel with
 * that many credits allows. Reported per record: wall time end to end; CPU time of the whole
 * process (both threads and V8's GC helpers: the full price of encode + postMessage + decode);
 * CPU time of the sending thread and of the receiving thread (Linux /proc/thread-self/schedstat,
 * which advances at scheduler ticks: a run of 50 ms or more reads within a few per cent).
 * CPU times are what to compare when other processes share the cores: wall time then inflates,
 * CPU time less so; the last column says how many cores other processes kept busy meanwhile.
 * The worker loads the codec itself through tsx. "channel table" variants keep one channel (one
 * encoder here, one decoder in the worker) across all runs of the variant, as a RemoteSender
 * keeps one for the life of a job, so the table is warm after the warm-up run; "fresh channel"
 * starts a new one every run (256 batches of 1024 over 1000 keys), warm-up included.
 * Part 2, one thread: encode, structuredClone with transfer (what postMessage does on both ends),
 * decode, each timed apart, in process CPU time; the channel codec after one warm-up pass, so
 * its batches carry no new strings.
 * Part 3: the generated row encoder and decoder against generic loops doing the same work.
 *
 * Records are `{ key: 'k' + (i % 1000), value: Math.random(), ts: 1.7e12 + i }`, built fresh
 * before every run (untimed), so string hashes are not cached from an earlier run.
 * Each figure is the median of ROUNDS runs after one warm-up, variants taken round-robin; the
 * spread is min–max.
 *
 * No full GC is forced between runs (unlike the W benchmark): measured here, a full GC right
 * before a timed pass made the pass slower, not cleaner (encode of 1024-record batches 104–150 ns
 * per record after gc(), 45–66 ns without), so runs simply follow a warm-up.
 *
 * Run: `node --import tsx bench/exchange-codec.ts`.
 * Knobs (env): BENCH_EXCHANGE_RECORDS (records per run, default 262144), BENCH_EXCHANGE_ROUNDS
 * (default 5), BENCH_EXCHANGE_CREDITS (batches in flight, default 8).
 */
import { readFileSync } from 'node:fs'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { ColumnBuilder } from '../runtime/channels/exchange/column-builder.ts'
import { ChannelDecoder } from '../runtime/channels/exchange/channel-decoder.ts'
import { ChannelEncoder } from '../runtime/channels/exchange/channel-encoder.ts'
import { decodeBatch, encodeBatch, type EncodedBatch, type EncodedColumn } from '../runtime/channels/exchange/columnar-codec.ts'
import type { ChannelBatch } from '../runtime/channels/exchange/encoded-batch.ts'
import { rowEncoder } from '../runtime/channels/exchange/row-encoder.ts'
import { splitStrings } from '../runtime/channels/exchange/string-list.ts'
import { environment, fmt, formatEnvironment, formatTable, spread, watchOtherProcesses, writeResults, type Spread } from './measure.ts'

const perRun = Number(process.env.BENCH_EXCHANGE_RECORDS ?? 262_144)
const rounds = Number(process.env.BENCH_EXCHANGE_ROUNDS ?? 5)
const credits = Number(process.env.BENCH_EXCHANGE_CREDITS ?? 8)
const sizes = [256, 1024, 4096]

type Make = (i: number) => unknown
const event: Make = (i) => ({ key: 'k' + (i % 1000), value: Math.random(), ts: 1.7e12 + i })
const nested: Make = (i) => ({ key: 'k' + (i % 1000), value: Math.random(), ts: 1.7e12 + i, meta: { source: 'web', tags: ['a', 'b'] } })
const uniqueIds: Make = (i) => ({ key: 'id-' + i + '-' + Math.random(), value: Math.random(), ts: 1.7e12 + i })

/** Batches of `size` records, `perRun` records in all; `lastOdd` gives each batch's last record an extra key. */
function build(make: Make, size: number, lastOdd = false): unknown[][] {
  const batches: unknown[][] = []
  for (let b = 0; b * size < perRun; b++) {
    const batch = Array.from({ length: size }, (_, i) => make(b * size + i))
    if (lastOdd) Object.assign(batch[size - 1] as object, { extra: 1 })
    batches.push(batch)
  }
  return batches
}

// --- Part 1: across threads -------------------------------------------------------------------

/** CPU time of the calling thread in ns (Linux); NaN elsewhere. */
function threadCpuNs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0])
  } catch {
    return NaN // not Linux: the thread columns read NaN, the others stand
  }
}

const workerCode = `
const { workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
const threadCpuNs = ${threadCpuNs.toString()}
;(async () => {
  const { tsImport } = await import(workerData.tsxApi)
  const { decodeBatch } = await tsImport(workerData.codec, workerData.codec)
  const { ChannelDecoder } = await tsImport(workerData.channelCodec, workerData.channelCodec)
  const port = workerData.port
  const decoders = new Map()
  let sum = 0, records = 0, cpu = 0, decoder
  const touch = (rs) => { for (let i = 0; i < rs.length; i++) sum += rs[i].value; records += rs.length }
  port.on('message', (m) => {
    if (Array.isArray(m)) touch(m)
    else if (m.kind !== undefined) touch(decodeBatch(m))
    else if (m.size !== undefined) touch(decoder.decode(m))
    else if (m.op === 'start') {
      decoder = decoders.get(m.channel)
      if (decoder === undefined) decoders.set(m.channel, decoder = new ChannelDecoder())
      sum = 0; records = 0; cpu = threadCpuNs()
      return port.postMessage({ op: 'started' })
    }
    else if (m.op === 'stop') return port.postMessage({ op: 'stopped', cpuNs: threadCpuNs() - cpu, records, sum })
    port.postMessage(0)
  })
  port.postMessage({ op: 'ready' })
})()
`

interface Crossing { readonly wallNs: number; readonly cpuNs: number; readonly senderNs: number; readonly receiverNs: number; readonly others: number }

/** A worker that decodes batches arriving on a MessagePort. */
async function startReceiver(): Promise<{ port: MessagePort; worker: Worker }> {
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(workerCode, {
    eval: true,
    workerData: {
      port: port2,
      tsxApi: import.meta.resolve('tsx/esm/api'),
      codec: import.meta.resolve('../runtime/exchange/columnar-codec.ts'),
      channelCodec: import.meta.resolve('../runtime/exchange/channel-decoder.ts'),
    },
    transferList: [port2],
  })
  await next(port1, 'ready')
  return { port: port1, worker }
}

function next(port: MessagePort, op: string): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    const on = (m: { op?: string }) => { if (m.op === op) { port.off('message', on); resolve(m as Record<string, number>) } }
    port.on('message', on)
  })
}

/** How a variant sends a batch: the stateless codec, a channel's codec, or the records as they are. */
type Send = { readonly mode: 'columnar' } | { readonly mode: 'table'; readonly encoder: ChannelEncoder } | { readonly mode: 'clone' }

/** Sends every batch on `channel`, at most `credits` unacknowledged. */
async function cross(port: MessagePort, batches: unknown[][], send: Send, channel: string): Promise<Crossing> {
  port.postMessage({ op: 'start', channel })
  await next(port, 'started')
  const others = watchOtherProcesses()
  let inFlight = 0
  let wake: (() => void) | undefined
  const onAck = (m: unknown) => { if (m === 0) { inFlight--; wake?.() } }
  port.on('message', onAck)
  const cpu = process.cpuUsage()
  const sender = threadCpuNs()
  const start = process.hrtime.bigint()
  for (const records of batches) {
    while (inFlight >= credits) await new Promise<void>((resolve) => { wake = resolve })
    if (send.mode === 'columnar') {
      const { batch, transfer } = encodeBatch(records)
      port.postMessage(batch, transfer)
    } else if (send.mode === 'table') {
      const { batch, transfer } = send.encoder.encode(records)
      port.postMessage(batch, transfer)
    } else {
      port.postMessage(records)
    }
    inFlight++
  }
  while (inFlight > 0) await new Promise<void>((resolve) => { wake = resolve })
  const wallNs = Number(process.hrtime.bigint() - start)
  const senderNs = threadCpuNs() - sender
  const { user, system } = process.cpuUsage(cpu)
  const otherCores = others() ?? NaN
  port.off('message', onAck)
  port.postMessage({ op: 'stop' })
  const stopped = await next(port, 'stopped')
  const n = batches.length * batches[0]!.length
  if (stopped.records !== n) throw new Error(`the worker saw ${stopped.records} records, expected ${n}`)
  return { wallNs: wallNs / n, cpuNs: ((user + system) * 1000) / n, senderNs: senderNs / n, receiverNs: stopped.cpuNs! / n, others: otherCores }
}

type Mode = Send['mode']
interface Variant { readonly name: string; readonly size: number; readonly make: Make; readonly lastOdd?: boolean; readonly mode: Mode; readonly fresh?: boolean }

const variants: Variant[] = [
  ...sizes.flatMap((size): Variant[] => [
    { name: 'flat events, columnar + channel table', size, make: event, mode: 'table' },
    { name: 'flat events, columnar', size, make: event, mode: 'columnar' },
    { name: 'flat events, structured clone', size, make: event, mode: 'clone' },
  ]),
  { name: 'flat events, channel table, fresh channel per run', size: 1024, make: event, mode: 'table', fresh: true },
  { name: 'nested (fallback: bails at record 0)', size: 1024, make: nested, mode: 'columnar' },
  { name: 'nested, structured clone', size: 1024, make: nested, mode: 'clone' },
  { name: 'flat, last record odd (bails at record n-1)', size: 1024, make: event, lastOdd: true, mode: 'columnar' },
  ...sizes.flatMap((size): Variant[] => [
    { name: 'flat, unique string ids, columnar + channel table', size, make: uniqueIds, mode: 'table' },
    { name: 'flat, unique string ids, columnar', size, make: uniqueIds, mode: 'columnar' },
  ]),
  { name: 'flat, unique string ids, structured clone', size: 1024, make: uniqueIds, mode: 'clone' },
]

/** The channel of each table variant, kept across its runs (a fresh variant gets one per run). */
const channels = new Map<Variant, ChannelEncoder>()
function sendFor(v: Variant): Send {
  if (v.mode !== 'table') return { mode: v.mode }
  let encoder = channels.get(v)
  if (encoder === undefined || v.fresh) channels.set(v, encoder = new ChannelEncoder())
  return { mode: 'table', encoder }
}

const env = environment()
console.log(`# Exchange codec — ${fmt(perRun)} records per run, ${rounds} runs, ${credits} batches in flight\n`)
console.log(formatEnvironment(env) + '\n')

const { port, worker } = await startReceiver()
const crossings = new Map<Variant, Crossing[]>(variants.map((v) => [v, []]))
for (let round = 0; round <= rounds; round++) {
  for (const [i, v] of variants.entries()) {
    const result = await cross(port, build(v.make, v.size, v.lastOdd), sendFor(v), v.fresh ? `${i}/${round}` : String(i))
    if (round > 0) crossings.get(v)!.push(result)
  }
}
await worker.terminate()

const ns = (s: Spread) => `${fmt(s.median, 1)} (${fmt(s.min, 1)}–${fmt(s.max, 1)})`
const part1 = variants.map((v) => {
  const runs = crossings.get(v)!
  const of = (f: (c: Crossing) => number) => spread(runs.map(f))
  return { variant: v.name, size: v.size, wall: of((r) => r.wallNs), cpu: of((r) => r.cpuNs), sender: of((r) => r.senderNs), receiver: of((r) => r.receiverNs), others: of((r) => r.others) }
})
console.log('## Across threads (ns per record: median (min–max))\n')
console.log(formatTable(['variant', 'batch', 'wall', 'CPU, all threads', 'CPU, sender (encode + post)', 'CPU, receiver (decode + read)', 'other processes (cores)'],
  part1.map((r) => [r.variant, String(r.size), ns(r.wall), ns(r.cpu), ns(r.sender), ns(r.receiver), `${fmt(r.others.median, 2)} (max ${fmt(r.others.max, 2)})`])) + '\n')

// --- Part 2: one thread, step by step --------------------------------------------------------

/** Process CPU time, in ns, of `fn`. */
function cpuTime(fn: () => void): number {
  const start = process.cpuUsage()
  fn()
  const { user, system } = process.cpuUsage(start)
  return (user + system) * 1000
}

/** CPU ns per record of `fn` over every batch, median of `rounds` passes after a warm-up. */
function perRecord<T>(batches: T[], records: number, fn: (b: T) => unknown): Spread {
  const runs: number[] = []
  for (let round = 0; round <= rounds; round++) {
    const ns = cpuTime(() => { for (const b of batches) fn(b) })
    if (round > 0) runs.push(ns / records)
  }
  return spread(runs)
}

const part2 = sizes.map((size): { codec: string; size: number; encode: Spread; clone: Spread; decode: Spread; total: number; plain: Spread | undefined } => {
  const batches = build(event, size)
  const n = batches.length * size
  const encode = perRecord(batches, n, (b) => encodeBatch(b))
  // Each pass transfers the buffers away, so each needs batches encoded afresh (untimed).
  const clone = spread(Array.from({ length: rounds }, () => {
    const encoded = batches.map((b) => encodeBatch(b))
    return cpuTime(() => { for (const e of encoded) structuredClone(e.batch, { transfer: e.transfer }) }) / n
  }))
  const received = batches.map((b) => { const e = encodeBatch(b); return structuredClone(e.batch, { transfer: e.transfer }) })
  const decode = perRecord(received, n, (b) => decodeBatch(b))
  const plain = perRecord(batches, n, (b) => structuredClone(b))
  return { codec: 'stateless', size, encode, clone, decode, total: encode.median + clone.median + decode.median, plain }
})

/** The same steps through one channel's codec, once its table holds the keys. */
function channelSteps(size: number) {
  const batches = build(event, size)
  const n = batches.length * size
  const encoder = new ChannelEncoder()
  const decoder = new ChannelDecoder()
  const pass = () => batches.map((b) => { const e = encoder.encode(b); return structuredClone(e.batch, { transfer: e.transfer }) })
  // Warm-up: the keys enter both tables (and 8 batches go plain after the first: see
  // plainBatchesAfter), so the timed batches carry no table update and decode again and again.
  for (let i = 0; i < 2; i++) for (const m of pass()) decoder.decode(m)
  const encode = perRecord(batches, n, (b) => encoder.encode(b))
  const clone = spread(Array.from({ length: rounds }, () => {
    const encoded = batches.map((b) => encoder.encode(b))
    return cpuTime(() => { for (const e of encoded) structuredClone(e.batch, { transfer: e.transfer }) }) / n
  }))
  const received: ChannelBatch[] = pass()
  if (received.some((m) => m.added !== null || m.keep !== m.size || m.size !== received[0]!.size)) throw new Error('the channel was not warm: a timed batch carries a table update')
  const decode = perRecord(received, n, (m) => decoder.decode(m))
  return { codec: 'channel table', size, encode, clone, decode, total: encode.median + clone.median + decode.median, plain: undefined }
}
part2.push(...sizes.map(channelSteps))
console.log('## One thread, step by step (CPU ns per record, flat events)\n')
console.log(formatTable(['codec', 'batch', 'encode', 'structuredClone w/ transfer', 'decode', 'sum', 'structuredClone of the records'],
  part2.map((r) => [r.codec, String(r.size), ns(r.encode), ns(r.clone), ns(r.decode), fmt(r.total, 1), r.plain ? ns(r.plain) : '']).sort((a, b) => Number(a[1]) - Number(b[1]))) + '\n')

// --- Part 3: generated encoder and decoder vs generic loops ----------------------------------

/** The straightforward encoder: for-in over each record's keys, keyed loads. */
function genericEncode(records: readonly unknown[], keys: readonly string[], columns: readonly ColumnBuilder[]): boolean {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (typeof record !== 'object' || record === null) return false
    const proto = Object.getPrototypeOf(record)
    if (proto !== Object.prototype && proto !== null) return false
    let j = 0
    for (const key in record) {
      if (key !== keys[j] || !columns[j]!.add(i, (record as Record<string, unknown>)[key])) return false
      j++
    }
    if (j !== keys.length) return false
  }
  return true
}

function readValue(column: EncodedColumn, i: number): unknown {
  switch (column.kind) {
    case 'null': return null
    case 'number': return column.nulls && column.nulls[i] === 1 ? null : column.values[i]
    case 'boolean': return column.values[i] === 2 ? null : column.values[i] === 1
    case 'string': return (column.dictionary as readonly (string | null)[])[column.indices[i]!]
    case 'ids': throw new Error('a stateless batch has no table ids')
    case 'text': throw new Error('split before reading')
    case 'mixed': return column.values[i]
  }
}

/** The straightforward decoder: one empty object per record, keys assigned in a loop. */
function genericDecode(batch: EncodedBatch): unknown[] {
  if (batch.kind !== 'rows') return decodeBatch(batch)
  const { keys, length } = batch
  // Strings split once per batch, as the generated decoder does.
  const columns = batch.columns.map((c): EncodedColumn => c.kind === 'string' ? { ...c, dictionary: splitStrings(c.dictionary) } : c.kind === 'text' ? { kind: 'mixed', values: splitStrings(c.strings) } : c)
  const out: unknown[] = []
  for (let i = 0; i < length; i++) {
    const record: Record<string, unknown> = {}
    for (let j = 0; j < keys.length; j++) record[keys[j]!] = readValue(columns[j]!, i)
    out.push(record)
  }
  return out
}

const flat1024 = build(event, 1024)
const n3 = flat1024.length * 1024
const keys = ['key', 'value', 'ts']
const scratch = keys.map(() => new ColumnBuilder())
// Shape check and value reads into the column builders, without packing (strings plain, as
// batches of 1024 over 1000 keys go).
const fill = (encode: (records: unknown[]) => boolean) => (records: unknown[]) => {
  for (const c of scratch) c.reset(records.length, true)
  if (!encode(records)) throw new Error('a flat batch failed the shape check')
  for (const c of scratch) c.release()
}
const generated = rowEncoder(keys)
const encoders = [
  { variant: 'generated (rowEncoder)', time: perRecord(flat1024, n3, fill((r) => generated.encode(r, scratch))) },
  { variant: 'generic loop (for-in, keyed loads)', time: perRecord(flat1024, n3, fill((r) => genericEncode(r, keys, scratch))) },
]
console.log('## Row encoder, batches of 1024: shape check + reads into columns (CPU ns per record)\n')
console.log(formatTable(['encoder', 'ns'], encoders.map((r) => [r.variant, ns(r.time)])) + '\n')

let sink = 0
const readAll = (records: unknown[]) => { for (const r of records) sink += (r as { value: number }).value }
const decoded = flat1024.map((b) => { const e = encodeBatch(b); return structuredClone(e.batch, { transfer: e.transfer }) })
const decoders = [
  { variant: 'generated (rowDecoder)', decode: perRecord(decoded, n3, decodeBatch), read: perRecord(decoded, n3, (b) => readAll(decodeBatch(b))) },
  { variant: 'generic loop', decode: perRecord(decoded, n3, genericDecode), read: perRecord(decoded, n3, (b) => readAll(genericDecode(b))) },
]
console.log('## Row decoder, batches of 1024 (CPU ns per record)\n')
console.log(formatTable(['decoder', 'decode', 'decode + read value'], decoders.map((r) => [r.variant, ns(r.decode), ns(r.read)])) + '\n')
if (Number.isNaN(sink)) console.log('(a NaN was read)')

console.log(`results: ${writeResults('exchange-codec', { environment: env, perRun, rounds, credits, part1, part2, encoders, decoders })}`)
