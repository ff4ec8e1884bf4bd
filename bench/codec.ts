/**
 * Claim: the snapshot codec's speed and compression per codec (zstd level 1 is the default, the
 * `codec` option of runtime/checkpoint/checkpoint-options.ts, for its ratio at a speed that keeps
 * up with checkpoints).
 *
 * Two states, built once (deterministic, seeded):
 * - `window-map`: a Map of 100,000 keys → small accumulator objects, what keyed window state
 *   snapshots to (`{ count, sum, min, max, lastTs }` per `user-<n>` key).
 * - `records`: ~5 MB (serialized) of flat records `{ id, ts, user, page, status, latencyMs }`,
 *   what a buffered sink's pending part or a sort window holds.
 *
 * Per codec: encode = `encodeSnapshot` (v8.serialize + compress + header and checksums), decode =
 * `decodeSnapshot` (verify + decompress + v8.deserialize); compress = `encodeSerialized` alone (the
 * part that runs after the barrier, off the actor's critical path for lz4 and snappy); stall = the
 * longest the main thread went without running a `setImmediate` tick during that compress (what
 * an actor sharing the thread would wait: lz4 and snappy compress on libuv's pool, zstd on the main
 * thread); decompress = verify + decompress without deserializing. Throughput is serialized megabytes
 * (10^6 bytes of v8 output) per second of wall time, so codecs compare on the same input size;
 * ratio = serialized bytes / stored blob bytes. Each figure is the median of 5 runs after one
 * warm-up, with min–max.
 *
 * Run: `node --expose-gc --import tsx bench/codec.ts` (about 20 s on an idle 2-core machine). Knob (env): BENCH_CODEC_RUNS
 * (default 5).
 */
import { BLOB_HEADER_BYTES } from '../persistence/codec/blob-header.ts'
import { compressorFor } from '../persistence/codec/compressor-for.ts'
import { decodeSnapshot, encodeSerialized, encodeSnapshot, serializeSnapshot, verifyBlob, type CodecName } from '../persistence/codec/index.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, libraryVersion, otherNote, spread, watchOtherProcesses, writeResults, type Spread } from './measure.ts'
import { mulberry32 } from './workload-w.ts'

const runs = Number(process.env.BENCH_CODEC_RUNS ?? 5)
const codecs: readonly CodecName[] = ['none', 'lz4', 'snappy', 'zstd']

/** A small deterministic PRNG (the workload's mulberry32), so every run encodes the same bytes. */
const prng = mulberry32

function windowMap(): Map<string, { count: number; sum: number; min: number; max: number; lastTs: number }> {
  const rand = prng(1)
  const m = new Map<string, { count: number; sum: number; min: number; max: number; lastTs: number }>()
  for (let i = 0; i < 100_000; i++) {
    const count = 1 + Math.floor(rand() * 50)
    const min = Math.round(rand() * 100 * 100) / 100
    m.set(`user-${i}`, { count, sum: Math.round(count * (min + rand() * 50) * 100) / 100, min, max: min + Math.round(rand() * 5000) / 100, lastTs: 1_700_000_000_000 + Math.floor(rand() * 3_600_000) })
  }
  return m
}

function flatRecords(targetBytes: number): Array<{ id: number; ts: number; user: string; page: string; status: number; latencyMs: number }> {
  const rand = prng(2)
  const pages = ['/', '/search', '/cart', '/checkout', '/product/1', '/product/2', '/account', '/help']
  const out: Array<{ id: number; ts: number; user: string; page: string; status: number; latencyMs: number }> = []
  // Grow until the serialized form reaches the target (checked every 10,000 records).
  while (out.length % 10_000 !== 0 || serializeSnapshot(out).byteLength < targetBytes) {
    const i = out.length
    out.push({
      id: i, ts: 1_700_000_000_000 + i * 13, user: `user-${Math.floor(rand() * 20_000)}`, page: pages[Math.floor(rand() * pages.length)]!,
      status: rand() < 0.97 ? 200 : 500, latencyMs: Math.round(rand() * 250 * 10) / 10,
    })
  }
  return out
}

interface Row {
  state: string
  codec: CodecName
  rawBytes: number
  storedBytes: number
  encodeMBps: Spread
  compressMBps: Spread
  stallMs: Spread
  decompressMBps: Spread
  decodeMBps: Spread
}

/** Runs `f` while a setImmediate chain ticks; returns its time and the longest gap between ticks. */
async function withStallProbe(f: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  let last = performance.now()
  let stall = 0
  let running = true
  const tick = () => {
    const now = performance.now()
    stall = Math.max(stall, now - last)
    last = now
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  const t0 = performance.now()
  await f()
  const ms = performance.now() - t0
  running = false
  stall = Math.max(stall, performance.now() - last)
  return { ms, stallMs: stall }
}

async function measure(state: string, value: unknown, codec: CodecName): Promise<Row> {
  const encodeMs: number[] = []
  const decodeMs: number[] = []
  const compressMs: number[] = []
  const stallMs: number[] = []
  const decompressMs: number[] = []
  const raw = serializeSnapshot(value)
  let rawBytes = 0
  let storedBytes = 0
  for (let run = 0; run <= runs; run++) {
    collectGarbage()
    let t0 = performance.now()
    const encoded = await encodeSnapshot(value, codec)
    const encodeTime = performance.now() - t0
    collectGarbage()
    t0 = performance.now()
    const decoded = await decodeSnapshot(encoded.bytes, `bench ${state}`)
    const decodeTime = performance.now() - t0
    collectGarbage()
    const probe = await withStallProbe(() => encodeSerialized(raw, codec))
    collectGarbage()
    t0 = performance.now()
    const header = await verifyBlob(encoded.bytes, `bench ${state}`)
    await compressorFor(codec).decompress(encoded.bytes.subarray(BLOB_HEADER_BYTES), header.rawBytes)
    const decompressTime = performance.now() - t0
    if (decoded === undefined) throw new Error('decoded nothing')
    if (run === 0) continue // warm-up
    encodeMs.push(encodeTime)
    decodeMs.push(decodeTime)
    compressMs.push(probe.ms)
    stallMs.push(probe.stallMs)
    decompressMs.push(decompressTime)
    rawBytes = encoded.rawBytes
    storedBytes = encoded.bytes.byteLength
  }
  const mbps = (ms: number) => rawBytes / 1e6 / (ms / 1000)
  return { state, codec, rawBytes, storedBytes, encodeMBps: spread(encodeMs.map(mbps)), compressMBps: spread(compressMs.map(mbps)),
    stallMs: spread(stallMs), decompressMBps: spread(decompressMs.map(mbps)), decodeMBps: spread(decodeMs.map(mbps)) }
}

const started = performance.now()
const others = watchOtherProcesses()
const states: Array<[string, unknown]> = [['window-map', windowMap()], ['records', flatRecords(5_000_000)]]
const rows: Row[] = []
for (const [name, value] of states) {
  for (const codec of codecs) rows.push(await measure(name, value, codec))
}

const env = environment()
const libraries = { 'lz4-napi': libraryVersion('lz4-napi'), snappy: libraryVersion('snappy'), '@bokuweb/zstd-wasm': libraryVersion('@bokuweb/zstd-wasm') }
const range = (s: Spread) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`
console.log(formatEnvironment(env))
console.log(`codecs: ${Object.entries(libraries).map(([k, v]) => `${k} ${v}`).join(', ')}; zstd level 1`)
console.log(`median of ${runs} runs after a warm-up (min–max); MB/s of serialized bytes\n`)
console.log(formatTable(
  ['state', 'codec', 'serialized MB', 'stored MB', 'ratio', 'encode MB/s', 'compress MB/s', 'stall ms', 'decompress MB/s', 'decode MB/s'],
  rows.map((r) => [r.state, r.codec, fmt(r.rawBytes / 1e6, 2), fmt(r.storedBytes / 1e6, 2), fmt(r.rawBytes / r.storedBytes, 2), range(r.encodeMBps),
    range(r.compressMBps), `${fmt(r.stallMs.median, 1)} (${fmt(r.stallMs.min, 1)}–${fmt(r.stallMs.max, 1)})`, range(r.decompressMBps), range(r.decodeMBps)]),
))
const otherCores = others()
console.log(otherNote(otherCores))
const path = writeResults('codec', { environment: env, libraries, runs, otherCores, rows })
console.log(`\nwritten to ${path}; took ${((performance.now() - started) / 1000).toFixed(1)} s`)
