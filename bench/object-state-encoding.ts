/**
 * Whether a compact encoding of window states kept in objects pays (issue 16): the states of
 * 100k keys of the keyed-state bench's `length` (length(10), 3 records per key) and
 * `distinctCount` (tumbling with a Map per window) variants, taken from a real window step, are
 * encoded in slices of 1024 keys (as ObjectCapture gathers them) by `v8.serialize` of the
 * slice's array — what checkpoints do — and by the candidate: `length`, the records of every
 * queue as one batch of the exchange's columnar codec plus `v8.serialize` of the rest;
 * `distinctCount`, each Map as a flat array. Times (ms, 3 runs) and bytes are printed, and for
 * `length` the time to read each form back into states (what a restore would pay). Then what
 * checkpoints write since state versions 1.2.0/1.4.0: each slice as value columns by shape
 * (value-columns.ts), against the slices as 1.1.0/1.3.0 wrote them (packSlice without shapes).
 * Knobs: BENCH_OE_KEYS (default 100000). Run: npm run bench -- object-state-encoding
 */
import v8 from 'node:v8'
import { agg, virtualClock, windows } from '../index.ts'
import { decodeBatch, encodeBatch, type EncodedBatch } from '../runtime/channels/exchange/columnar-codec.ts'
import type { OperatorContext } from '../runtime/operators/operator.ts'
import { WindowOperator } from '../runtime/operators/window/window-operator.ts'
import { packSlice, unpackSlice } from '../runtime/operators/window/slice-records.ts'
import type { WindowKeys } from '../runtime/operators/window/window-keys.ts'
import { collectGarbage, environment, formatEnvironment } from './measure.ts'

const N = Number(process.env.BENCH_OE_KEYS ?? 100_000)
const SLICE = 1024
type Ev = { key: string; value: number; ts: number }

/** The live states of a window step after 3 records per key. */
function statesOf(variant: 'length' | 'distinctCount'): unknown[] {
  const four = { count: agg.count(), sum: agg.sum((r: Ev) => r.value), avg: agg.avg((r: Ev) => r.value), max: agg.max((r: Ev) => r.value) }
  const aggregates = variant === 'length' ? four : { ...four, distinct: agg.distinctCount((r: Ev) => r.value) }
  const window = variant === 'length' ? windows.length(10) : windows.tumbling({ size: 365 * 24 * 3600 * 1000, time: (r: Ev) => r.ts })
  const ctx = {
    pipelineId: 'p', step: { name: 's', key: (r: Ev) => r.key }, instance: 0, parallelism: 1, maxKeyGroups: 128, clock: virtualClock(0),
    counters: { recordsIn: 0, recordsOut: 0, failed: 0 }, failures: { handle: (_: unknown, __: string, e: unknown) => { throw e } }, setTimer: () => () => {},
  } as unknown as OperatorContext
  const op = new WindowOperator(ctx, { kind: 'window', window: window as never, windowName: 'w', output: { kind: 'aggregate', aggregates }, lateTo: undefined },
    { batch: () => {}, watermark: () => {}, end: () => {} })
  const records: Ev[] = []
  for (let s = 0; s < 3 * N; s++) records.push({ key: `k${s % N}`, value: (s * 7919) % 1000, ts: 1_000_000 + s })
  for (let i = 0; i < records.length; i += SLICE) void op.batch(records.slice(i, i + SLICE))
  const keys = (op as unknown as { keys: WindowKeys }).keys
  return [...keys.liveSlots()].map((k) => keys.states[k])
}

/** Encodes `states` slice by slice with `encode`, 3 times: [ms, bytes] each. */
function timed(states: unknown[], encode: (slice: unknown[]) => number): string {
  const runs: string[] = []
  let bytes = 0
  for (let r = 0; r < 3; r++) {
    collectGarbage()
    const t = performance.now()
    bytes = 0
    for (let i = 0; i < states.length; i += SLICE) bytes += encode(states.slice(i, i + SLICE))
    runs.push((performance.now() - t).toFixed(0))
  }
  return `${runs.join(', ')} ms; ${(bytes / 1e6).toFixed(1)} MB`
}

type Queue = { items: unknown[]; head: number }
const plain = (slice: unknown[]): number => v8.serialize(slice).byteLength
const columnarRecords = (slice: unknown[]): number => {
  const records: unknown[] = []
  const rest = (slice as { seq: number; records: Queue; acc: unknown }[]).map((s) => {
    const { items, head } = s.records
    for (let j = head; j < items.length; j++) records.push(items[j])
    return { seq: s.seq, n: items.length - head, acc: s.acc }
  })
  return v8.serialize({ rest, batch: encodeBatch(records).batch }).byteLength
}
/** Encodes with `encode` and times reading every slice back with `decode`, 3 times. */
function timedRead(states: unknown[], encode: (slice: unknown[]) => Uint8Array, decode: (bytes: Uint8Array) => unknown[]): string {
  const encoded: Uint8Array[] = []
  for (let i = 0; i < states.length; i += SLICE) encoded.push(encode(states.slice(i, i + SLICE)))
  const runs: string[] = []
  for (let r = 0; r < 3; r++) {
    collectGarbage()
    const t = performance.now()
    let n = 0
    for (const bytes of encoded) n += decode(bytes).length
    if (n !== states.length) throw new Error(`read ${n} states of ${states.length}`)
    runs.push((performance.now() - t).toFixed(0))
  }
  return `${runs.join(', ')} ms`
}
const columnarBytes = (slice: unknown[]): Uint8Array => {
  const records: unknown[] = []
  const rest = (slice as { seq: number; records: Queue; acc: unknown }[]).map((s) => {
    const { items, head } = s.records
    for (let j = head; j < items.length; j++) records.push(items[j])
    return { seq: s.seq, n: items.length - head, acc: s.acc }
  })
  return v8.serialize({ rest, batch: encodeBatch(records).batch })
}
const columnarRead = (bytes: Uint8Array): unknown[] => {
  const { rest, batch } = v8.deserialize(bytes) as { rest: { seq: number; n: number; acc: unknown }[]; batch: EncodedBatch }
  const records = decodeBatch(batch)
  let at = 0
  return rest.map((s) => ({ seq: s.seq, records: { items: records.slice(at, at += s.n), head: 0 }, acc: s.acc }))
}
const mapsAsArrays = (slice: unknown[]): number => v8.serialize((slice as { windows: { acc: unknown[] }[] }[]).map((s) => ({
  windows: s.windows.map((w) => ({ ...w, acc: w.acc.map((a) => (a instanceof Map ? [...a].flat() : a)) })),
}))).byteLength

console.log(formatEnvironment(environment()))
const length = statesOf('length')
console.log(`length(10), ${N} keys: v8.serialize per slice ${timed(length, plain)}; queue records as columns + v8 rest ${timed(length, columnarRecords)}`)
console.log(`length(10), ${N} keys, read back: v8.deserialize per slice ${timedRead(length, (s) => v8.serialize(s), (b) => v8.deserialize(b) as unknown[])}; ` +
  `columns + v8 rest ${timedRead(length, columnarBytes, columnarRead)}`)
const distinct = statesOf('distinctCount')
console.log(`distinctCount, ${N} keys: v8.serialize per slice ${timed(distinct, plain)}; Maps as flat arrays ${timed(distinct, mapsAsArrays)}`)

// What checkpoints write now (value columns by shape) against what they wrote before (v8, with flat record queues as exchange columns).
const before = (slice: unknown[]): Uint8Array => v8.serialize(packSlice(slice, false))
const byShape = (slice: unknown[]): Uint8Array => v8.serialize(packSlice(slice, true))
const read = (bytes: Uint8Array): unknown[] => unpackSlice(v8.deserialize(bytes))
for (const [name, states] of [['length(10)', length], ['distinctCount', distinct]] as const) {
  console.log(`${name}, ${N} keys, written: before ${timed(states, (s) => before(s).byteLength)}; by shape ${timed(states, (s) => byShape(s).byteLength)}`)
  console.log(`${name}, ${N} keys, read back: before ${timedRead(states, before, read)}; by shape ${timedRead(states, byShape, read)}`)
}
