/**
 * Claim: how long encoding a snapshot blocks the actor's thread, per payload size and codec
 * (issue 16, part 2) — inline, as the runtime did before, against the encode pool.
 *
 * Payloads (deterministic, seeded), `v8.serialize`d once before timing, at 1, 16, 64 and 183 MB
 * (183 MB is issue 16's 1M-key window state):
 * - `map`: a Map of `user-<n>` keys → `{ n, total, mean, top }`, what keyed window state is today;
 * - `columns`: `{ count, sum, min, max }` Float64Array columns, what the columnar backend writes.
 *
 * Per payload, codec and mode, `encodeSerialized`'s work (compress + crc32 + frame) is timed while
 * a 1 ms setInterval ticks: `blocked` = the longest gap between two ticks (what an actor sharing
 * the thread waits at worst), `busy` = the thread's active time during the encode (event-loop
 * utilization), `total` = until the blob is in hand. Modes: `inline` = encodeInline on this thread
 * (what encodeSerialized was); `pool` = EncodePool with the caller keeping `raw` (one copy here);
 * `pool-move` = EncodePool taking `raw` (`{ transfer: true }`: moved, no copy). Median of
 * BENCH_SNAPSHOT_RUNS (default 3) runs after one warm-up, min–max.
 *
 * Run: `npm run bench -- snapshot-encode` (~2 min on an idle 2-core VM). Knobs (env):
 * BENCH_SNAPSHOT_RUNS, BENCH_SNAPSHOT_SIZES (MB, comma-separated), BENCH_SNAPSHOT_CODECS.
 *
 * Results (2-core Intel Xeon VM, Node 20.20.2, piscina 5.3.2; other processes 0.5 core, so
 * spreads are wide: rerun on a quiet machine before quoting a digit). Median `blocked` ms, inline →
 * pool (copied) → pool (moved), `columns` payload; the last row is the 191 MB `map` (the smaller
 * maps read alike: bench/results/ has every row):
 *
 * | MB  | none               | lz4               | snappy             | zstd                 |
 * |----:|:-------------------|:------------------|:-------------------|:---------------------|
 * | 1   | 0.3 → 0.8 → 0.7    | 1.2 → 2.0 → 1.3   | 1.2 → 1.5 → 1.3    | 5.9 → 2.6 → 2.7      |
 * | 16  | 9.8 → 2.5 → 1.3    | 5.4 → 3.1 → 3.3   | 7.6 → 3.9 → 1.3    | 91 → 3.1 → 3.9       |
 * | 64  | 56 → 29 → 3.8      | 31 → 33 → 4.7     | 43 → 29 → 4.7      | 393 → 48 → 5.5       |
 * | 183 | 162 → 86 → 5.4     | 93 → 109 → 7.3    | 161 → 91 → 7.6     | 1,079 → 95 → 6.8     |
 * | map 191 | 208 → 120 → 5.4 | 83 → 127 → 10.4 | 269 → 155 → 8.6    | 805 → 133 → 6.4      |
 *
 * Total latency moves little (183 MB zstd: 1,079 ms inline, 1,093 moved; copied 1,196). At 1 MB
 * the 1 ms probe is at its floor; `busy` (ELU) resolves it: zstd inline 5–6 ms per MB against
 * ~0.3–0.5 ms per snapshot on the pool, and at 64–256 KB (BENCH_SNAPSHOT_SIZES=0.064,0.256) zstd
 * inline 0.5–1.6 ms against 0.3 — hence ZSTD_POOL_MIN_BYTES = 128 KiB. lz4 and snappy inline
 * cost ~0.3–0.5 ms per MB; moved, the pool wins from ~1 MB, by > 1.5 ms from 4 MiB — hence
 * MOVED_POOL_MIN_BYTES; copied, the copy costs as much as inline, so copied none/lz4/snappy stay
 * inline.
 *
 * Profile (--cpu-prof, 64 MB columns, this script with BENCH_SNAPSHOT_SIZES=64 and one codec):
 * inline none/lz4/snappy, the calling thread's time is encodeInline's own frame — allocating and
 * filling the blob (~60 %) — and zlib's crc32 (~40 %); lz4/snappy compression itself is on libuv's
 * pool. Inline zstd is the WebAssembly compressor (wasm-function[149] and [159] lead). Pool,
 * copied: the `new Uint8Array(raw)` in EncodePool.encode is all the calling thread does — a
 * fresh allocation, faulting its pages in, at about the rate inline lz4 runs. Pool, moved (four
 * 183 MB zstd encodes profiled with the inspector): the calling thread was busy 17 ms in all, 11.5
 * of them in piscina's `dispatch` (receiving the moved blob); the rest of `blocked` (3–10 ms) ran
 * in no encoder frame (collector and a loaded machine, not traced further). The pool thread's profile is the inline one: encodeInline, crc32, the wasm compressor.
 */
import { serialize } from 'node:v8'
import { encodeInline, type EncodedSnapshot } from '../persistence/codec/encode-inline.ts'
import type { CodecName } from '../persistence/codec/codec-name.ts'
import { EncodePool } from '../persistence/codec/encode-pool.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, libraryVersion, otherNote, spread, watchOtherProcesses, writeResults, type Spread } from './measure.ts'
import { mulberry32 } from './workload-w.ts'

const runs = Number(process.env.BENCH_SNAPSHOT_RUNS ?? 3)
const sizesMB = (process.env.BENCH_SNAPSHOT_SIZES ?? '1,16,64,183').split(',').map(Number)
const codecs = (process.env.BENCH_SNAPSHOT_CODECS ?? 'none,lz4,snappy,zstd').split(',') as CodecName[]

/** A Map of small accumulator objects, `bytes` long once serialized (within one entry or so). */
function mapPayload(bytes: number): Uint8Array {
  const rand = mulberry32(16)
  const m = new Map<string, { n: number; total: number; mean: number; top: number }>()
  const add = (i: number) => {
    const n = 1 + Math.floor(rand() * 50)
    const total = Math.round(n * rand() * 10_000) / 100
    m.set(`user-${i}`, { n, total, mean: total / n, top: Math.round(rand() * 50_000) / 100 })
  }
  // Bytes per entry from the first 10,000, then as many entries as the target needs.
  for (let i = 0; i < 10_000; i++) add(i)
  const keys = Math.max(1, Math.round(bytes / (serialize(m).byteLength / m.size)))
  for (let i = m.size; i < keys; i++) add(i)
  if (keys < m.size) for (const k of [...m.keys()].slice(keys)) m.delete(k)
  return serialize(m)
}

/** Four Float64Array columns of window accumulators, `bytes` long once serialized (±32). */
function columnsPayload(bytes: number): Uint8Array {
  const rand = mulberry32(17)
  const rows = Math.ceil(bytes / 32)
  const count = new Float64Array(rows); const sum = new Float64Array(rows); const min = new Float64Array(rows); const max = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    count[i] = 1 + Math.floor(rand() * 50)
    min[i] = Math.round(rand() * 10_000) / 100
    max[i] = min[i]! + Math.round(rand() * 5_000) / 100
    sum[i] = Math.round(count[i]! * (min[i]! + max[i]!) * 50) / 100
  }
  return serialize({ count, sum, min, max })
}

const pool = new EncodePool()
type Mode = 'inline' | 'pool' | 'pool-move'
const modes: Readonly<Record<Mode, (raw: Uint8Array, codec: CodecName) => Promise<EncodedSnapshot>>> = {
  inline: (raw, codec) => encodeInline(raw, codec, 1),
  pool: (raw, codec) => pool.encode(raw, codec, 1),
  'pool-move': (raw, codec) => pool.encode(raw, codec, 1, { transfer: true }),
}

interface Sample { blockedMs: number; busyMs: number; totalMs: number; storedBytes: number }

/** One encode under the 1 ms probe. */
async function probe(encode: () => Promise<EncodedSnapshot>): Promise<Sample> {
  collectGarbage()
  let last = performance.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 1)
  const elu0 = performance.eventLoopUtilization()
  const t0 = performance.now()
  last = t0
  const { bytes } = await encode()
  const t1 = performance.now()
  const busyMs = performance.eventLoopUtilization(elu0).active
  clearInterval(timer)
  return { blockedMs: Math.max(longest, t1 - last), busyMs, totalMs: t1 - t0, storedBytes: bytes.byteLength }
}

interface Row { kind: string; rawBytes: number; codec: CodecName; mode: Mode; storedBytes: number; blocked: Spread; busy: Spread; total: Spread }

const started = performance.now()
const others = watchOtherProcesses()
const rows: Row[] = []
for (const mb of sizesMB) {
  for (const [kind, make] of [['map', mapPayload], ['columns', columnsPayload]] as const) {
    const raw = make(mb * 1e6)
    for (const codec of codecs) {
      for (const mode of Object.keys(modes) as Mode[]) {
        const samples: Sample[] = []
        for (let run = 0; run <= runs; run++) {
          const input = new Uint8Array(raw) // pool-move detaches its input: every run gets its own copy, made before timing
          const s = await probe(() => modes[mode](input, codec))
          if (run > 0) samples.push(s)
        }
        rows.push({ kind, rawBytes: raw.byteLength, codec, mode, storedBytes: samples[0]!.storedBytes,
          blocked: spread(samples.map((s) => s.blockedMs)), busy: spread(samples.map((s) => s.busyMs)), total: spread(samples.map((s) => s.totalMs)) })
        const r = rows[rows.length - 1]!
        console.error(`${kind} ${mb} MB ${codec} ${mode}: blocked ${fmt(r.blocked.median, 1)} ms, busy ${fmt(r.busy.median, 1)} ms, total ${fmt(r.total.median, 1)} ms`)
      }
    }
  }
}

const env = environment()
const libraries = { piscina: libraryVersion('piscina'), 'lz4-napi': libraryVersion('lz4-napi'), snappy: libraryVersion('snappy'), '@bokuweb/zstd-wasm': libraryVersion('@bokuweb/zstd-wasm') }
const range = (s: Spread) => `${fmt(s.median, 1)} (${fmt(s.min, 1)}–${fmt(s.max, 1)})`
console.log(formatEnvironment(env))
console.log(`${Object.entries(libraries).map(([k, v]) => `${k} ${v}`).join(', ')}; zstd level 1`)
console.log(`median of ${runs} runs after a warm-up (min–max), milliseconds\n`)
console.log(formatTable(
  ['payload', 'MB', 'codec', 'mode', 'ratio', 'blocked ms', 'busy ms', 'total ms'],
  rows.map((r) => [r.kind, fmt(r.rawBytes / 1e6, 1), r.codec, r.mode, fmt(r.rawBytes / r.storedBytes, 2), range(r.blocked), range(r.busy), range(r.total)]),
))
await pool.close()
const otherCores = others()
console.log(otherNote(otherCores))
const path = writeResults('snapshot-encode', { environment: env, libraries, runs, otherCores, rows })
console.log(`\nwritten to ${path}; took ${((performance.now() - started) / 1000).toFixed(1)} s`)
