// Brute-force oracles for the windows (not a test file: ava runs *.test.ts only). Each one is a
// plain loop over the input that keeps every record and recomputes what it needs from scratch;
// none shares code with components/windows or the window step.
import { keyGroupOf } from '../../../index.ts'
import type { Rec } from '../../fixtures/windows/window-pipeline.ts'

export type { Rec } from '../../fixtures/windows/window-pipeline.ts'

/** One expected window result, before the output fields are computed from its records. */
export interface OracleWindow {
  readonly key: unknown
  readonly windowStart: number
  readonly windowEnd: number
  /** The window's records in the order its aggregates see them. */
  readonly records: readonly Rec[]
}

/** What an oracle expects: the windows in emission order per key, and the late records. */
export interface OracleResult {
  readonly windows: OracleWindow[]
  readonly late: Rec[]
}

/** The instance a key is handled by (event-time watermarks are per instance). */
function instanceOfKey(key: unknown, parallelism: number): number {
  return Math.floor((keyGroupOf(key, 128) * parallelism) / 128)
}

const keyOf = (r: Rec, keyed: boolean): unknown => (keyed ? r.k : null)

/** `lengthBatch(n)`: per key, consecutive groups of n; the partial one at the end. */
export function lengthBatchOracle(input: readonly Rec[], n: number, keyed: boolean): OracleResult {
  const windows: OracleWindow[] = []
  const open = new Map<unknown, { start: number; records: Rec[] }>()
  for (const r of input) {
    const key = keyOf(r, keyed)
    const w = open.get(key) ?? { start: 0, records: [] }
    open.set(key, w)
    w.records.push(r)
    if (w.records.length === n) {
      windows.push({ key, windowStart: w.start, windowEnd: w.start + n, records: w.records })
      open.set(key, { start: w.start + n, records: [] })
    }
  }
  for (const [key, w] of open) if (w.records.length > 0) windows.push({ key, windowStart: w.start, windowEnd: w.start + w.records.length, records: w.records })
  return { windows, late: [] }
}

/** `length(n)`: per record, the key's last n records. */
export function lengthOracle(input: readonly Rec[], n: number, keyed: boolean): OracleResult {
  const windows: OracleWindow[] = []
  const seen = new Map<unknown, Rec[]>()
  for (const r of input) {
    const key = keyOf(r, keyed)
    const all = seen.get(key) ?? []
    seen.set(key, all)
    all.push(r)
    const from = Math.max(0, all.length - n)
    windows.push({ key, windowStart: from, windowEnd: all.length, records: all.slice(from) })
  }
  return { windows, late: [] }
}

/** `sort(n, by v)`: per record, the key's n smallest so far (stable, by arrival among equals). */
export function sortOracle(input: readonly Rec[], n: number, keyed: boolean): OracleResult {
  const windows: OracleWindow[] = []
  const seen = new Map<unknown, Rec[]>()
  for (const r of input) {
    const key = keyOf(r, keyed)
    const all = seen.get(key) ?? []
    seen.set(key, all)
    all.push(r)
    const sorted = all.map((x, i) => [x, i] as const).sort((a, b) => a[0].v - b[0].v || a[1] - b[1]).map(([x]) => x)
    windows.push({ key, windowStart: 0, windowEnd: all.length, records: sorted.slice(0, n) })
  }
  return { windows, late: [] }
}

/** `time(ms)`: per record arriving at `arrival[i]`, the key's records that arrived in (a − ms, a]. */
export function timeOracle(input: readonly Rec[], arrival: readonly number[], ms: number, keyed: boolean): OracleResult {
  const windows: OracleWindow[] = []
  input.forEach((r, i) => {
    const key = keyOf(r, keyed)
    const a = arrival[i]
    const records = input.filter((x, j) => j <= i && keyOf(x, keyed) === key && arrival[j] > a - ms)
    windows.push({ key, windowStart: a - ms + 1, windowEnd: a + 1, records })
  })
  return { windows, late: [] }
}

/** `timeBatch(ms)`: per key, records grouped by ⌊arrival/ms⌋, in window order. */
export function timeBatchOracle(input: readonly Rec[], arrival: readonly number[], ms: number, keyed: boolean): OracleResult {
  const windows: OracleWindow[] = []
  const keys = [...new Set(input.map((r) => keyOf(r, keyed)))]
  for (const key of keys) {
    const starts = [...new Set(input.flatMap((r, i) => (keyOf(r, keyed) === key ? [Math.floor(arrival[i] / ms) * ms] : [])))].sort((a, b) => a - b)
    for (const s of starts) {
      windows.push({ key, windowStart: s, windowEnd: s + ms, records: input.filter((r, i) => keyOf(r, keyed) === key && arrival[i] >= s && arrival[i] < s + ms) })
    }
  }
  return { windows, late: [] }
}

/** Event-time options of the oracles. */
export interface EventOptions {
  readonly maxOutOfOrderness: number
  readonly allowedLateness: number
  readonly keyed: boolean
  /** Instances of the window step: each generates its own watermark (default 1). */
  readonly parallelism?: number
}

/** The windows [s, e) a record at time t belongs to, for tumbling (slide = size) and sliding windows. */
function assigned(t: number, size: number, slide: number): [number, number][] {
  const out: [number, number][] = []
  for (let s = Math.floor(t / slide) * slide; s > t - size; s -= slide) out.unshift([s, s + size])
  return out
}

/**
 * Tumbling and sliding event-time windows, by simulation over plain lists: the watermark before
 * record i is the highest event time its instance saw before it − maxOutOfOrderness − 1; a window
 * takes a record while end − 1 + lateness > watermark, fires when the watermark reaches end − 1
 * (and again for every record it takes after that), and is gone once end − 1 + lateness ≤ watermark.
 */
export function slidingOracle(input: readonly Rec[], size: number, slide: number, o: EventOptions): OracleResult {
  const p = o.parallelism ?? 1
  const L = o.allowedLateness
  const windows: OracleWindow[] = []
  const late: Rec[] = []
  // Every window ever opened, per key: its records and whether it fired. Never removed: a closed
  // window is recognised by the watermark rule alone.
  const state = new Map<unknown, { s: number; e: number; records: Rec[]; fired: boolean }[]>()
  const wmOf = new Map<number, number>()
  const fireDue = (inst: number) => {
    const wm = wmOf.get(inst) ?? -Infinity
    for (const [key, ws] of state) {
      if (instanceOfKey(key, p) !== inst) continue
      for (const w of [...ws].sort((a, b) => a.e - b.e)) {
        if (!w.fired && w.e - 1 <= wm) {
          w.fired = true
          windows.push({ key, windowStart: w.s, windowEnd: w.e, records: [...w.records] })
        }
      }
    }
  }
  for (const r of input) {
    const key = keyOf(r, o.keyed)
    const inst = instanceOfKey(key, p)
    const wm = wmOf.get(inst) ?? -Infinity
    const ws = state.get(key) ?? []
    state.set(key, ws)
    let taken = false
    for (const [s, e] of assigned(r.t, size, slide)) {
      if (e - 1 + L <= wm) continue
      taken = true
      let w = ws.find((x) => x.s === s)
      if (!w) ws.push(w = { s, e, records: [], fired: false })
      w.records.push(r)
      if (e - 1 <= wm) {
        w.fired = true
        windows.push({ key, windowStart: s, windowEnd: e, records: [...w.records] })
      }
    }
    if (!taken) late.push(r)
    const next = Math.max(wm, r.t - o.maxOutOfOrderness - 1)
    if (next > wm) {
      wmOf.set(inst, next)
      fireDue(inst)
    }
  }
  for (let inst = 0; inst < p; inst++) {
    wmOf.set(inst, Infinity)
    fireDue(inst)
  }
  return { windows, late }
}

/**
 * Session windows by simulation: sessions are lists of records with [start, end]; a record at t
 * joins every session that [t, t + gap] touches (merged: earlier sessions' records first, then
 * the new one), unless it touches none and t + gap + lateness ≤ watermark (late). A session fires
 * once the watermark reaches its end (a record at end could still join it).
 */
export function sessionOracle(input: readonly Rec[], gap: number, o: EventOptions): OracleResult {
  const p = o.parallelism ?? 1
  const L = o.allowedLateness
  const windows: OracleWindow[] = []
  const late: Rec[] = []
  type Session = { s: number; e: number; records: Rec[]; fired: boolean }
  const state = new Map<unknown, Session[]>()
  const wmOf = new Map<number, number>()
  const fireDue = (inst: number) => {
    const wm = wmOf.get(inst) ?? -Infinity
    for (const [key, ss] of state) {
      if (instanceOfKey(key, p) !== inst) continue
      ss.sort((a, b) => a.s - b.s)
      for (const w of ss) {
        if (!w.fired && w.e <= wm) {
          w.fired = true
          windows.push({ key, windowStart: w.s, windowEnd: w.e, records: [...w.records] })
        }
      }
      state.set(key, ss.filter((w) => !(w.fired && w.e + L <= wm)))
    }
  }
  for (const r of input) {
    const key = keyOf(r, o.keyed)
    const inst = instanceOfKey(key, p)
    const wm = wmOf.get(inst) ?? -Infinity
    const ss = (state.get(key) ?? []).sort((a, b) => a.s - b.s)
    const touching = ss.filter((w) => w.s <= r.t + gap && w.e >= r.t)
    if (touching.length === 0 && r.t + gap + L <= wm) {
      late.push(r)
    } else {
      const merged: Session = {
        s: Math.min(r.t, ...touching.map((w) => w.s)),
        e: Math.max(r.t + gap, ...touching.map((w) => w.e)),
        records: [...touching.flatMap((w) => w.records), r],
        fired: false,
      }
      const rest = ss.filter((w) => !touching.includes(w))
      rest.push(merged)
      state.set(key, rest)
      if (merged.e <= wm) {
        merged.fired = true
        windows.push({ key, windowStart: merged.s, windowEnd: merged.e, records: [...merged.records] })
      }
    }
    const next = Math.max(wm, r.t - o.maxOutOfOrderness - 1)
    if (next > wm) {
      wmOf.set(inst, next)
      fireDue(inst)
    }
  }
  for (let inst = 0; inst < p; inst++) {
    wmOf.set(inst, Infinity)
    fireDue(inst)
  }
  return { windows, late }
}
