/**
 * References for bench/window-hot-path.ts: the window step kernel's per-record memory traffic,
 * as plain loops, in two layouts. Both touch what the step touches for
 * `lengthBatch(100).aggregate({ count, sum, min, max, avg })`: the row's start and end, each
 * field's own record count `n` (count; sum n, hi, lo; min n, value; max n, value; avg n, hi, lo)
 * and two epoch stores per record — 15 float64 values per record. The step kept them in one
 * Float64Array per column until the step's RowTable went row-major; the row loop keeps a row's 15
 * values together, stride 16. The row loop's saving over the column loop is what that change was
 * for (the step now also writes one epoch per record, not two).
 */
import { Checksum, W, windowResult, type WEvent, type WVariant } from '../workload-w.ts'

const CAPACITY = 1024
/** Fields of a row: start, end, count, sum (n, hi, lo), min (n, v), max (n, v), avg (n, hi, lo), two epochs. */
const START = 0, END = 1, COUNT = 2, SUM_N = 3, SUM_HI = 4, SUM_LO = 5, MIN_N = 6, MIN = 7, MAX_N = 8, MAX = 9, AVG_N = 10, AVG_HI = 11, AVG_LO = 12, EPOCH_A = 13, EPOCH_B = 14
const WIDTH = 15
const STRIDE = 16

function bad(v: unknown): Error {
  return new Error(`a value function returned ${String(v)}, not a finite number`)
}

/** Neumaier's compensation term of hi + x. */
function carry(hi: number, x: number, t: number): number {
  return Math.abs(hi) >= Math.abs(x) ? (hi - t) + x : (x - t) + hi
}

/** Each key's row, numbered in order of first appearance (the step's one Map lookup per record). */
class KeyRows {
  private readonly rows = new Map<string, number>()
  readonly keys: string[] = []

  of(key: string): number {
    let k = this.rows.get(key)
    if (k === undefined) {
      k = this.keys.length
      if (k === CAPACITY) throw new Error('more keys than this reference has rows for')
      this.rows.set(key, k)
      this.keys.push(key)
    }
    return k
  }
}

/** The step's layout: one Float64Array per field, indexed by slot. */
function inColumns(events: readonly WEvent[], keyOf: (e: WEvent) => string, valueOf: (e: WEvent) => number): Checksum {
  const out = new Checksum()
  const rows = new KeyRows()
  const keys = rows.keys
  const c = Array.from({ length: WIDTH }, () => new Float64Array(CAPACITY))
  const fire = (k: number): void => {
    out.add(windowResult(keys[k]!, c[COUNT]![k]!, c[SUM_HI]![k]! + c[SUM_LO]![k]!, c[MIN]![k]!, c[MAX]![k]!))
    for (let f = 0; f < EPOCH_A; f++) c[f]![k] = 0
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const key = keyOf(e)
    const k = rows.of(key)
    const x = valueOf(e)
    if (typeof x !== 'number' || x - x !== 0) throw bad(x)
    c[COUNT]![k]++
    let h = c[SUM_HI]![k]!
    let t = h + x
    c[SUM_LO]![k] += carry(h, x, t)
    c[SUM_HI]![k] = t
    c[SUM_N]![k]++
    if (c[MIN_N]![k]++ === 0 || x < c[MIN]![k]!) c[MIN]![k] = x
    if (c[MAX_N]![k]++ === 0 || x > c[MAX]![k]!) c[MAX]![k] = x
    h = c[AVG_HI]![k]!
    t = h + x
    c[AVG_LO]![k] += carry(h, x, t)
    c[AVG_HI]![k] = t
    c[AVG_N]![k]++
    c[EPOCH_A]![k] = 1
    c[EPOCH_B]![k] = 1
    if (++c[END]![k] - c[START]![k]! === W.windowSize) fire(k)
  }
  for (let k = 0; k < keys.length; k++) if (c[COUNT]![k]! > 0) fire(k)
  return out
}

/** The same values, a row's together: one Float64Array, row k at k · STRIDE. */
function inRows(events: readonly WEvent[], keyOf: (e: WEvent) => string, valueOf: (e: WEvent) => number): Checksum {
  const out = new Checksum()
  const rows = new KeyRows()
  const keys = rows.keys
  const d = new Float64Array(CAPACITY * STRIDE)
  const fire = (k: number): void => {
    const b = k * STRIDE
    out.add(windowResult(keys[k]!, d[b + COUNT]!, d[b + SUM_HI]! + d[b + SUM_LO]!, d[b + MIN]!, d[b + MAX]!))
    d.fill(0, b, b + EPOCH_A)
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const key = keyOf(e)
    const k = rows.of(key)
    const x = valueOf(e)
    if (typeof x !== 'number' || x - x !== 0) throw bad(x)
    const b = k * STRIDE
    d[b + COUNT]++
    let h = d[b + SUM_HI]!
    let t = h + x
    d[b + SUM_LO] += carry(h, x, t)
    d[b + SUM_HI] = t
    d[b + SUM_N]++
    if (d[b + MIN_N]++ === 0 || x < d[b + MIN]!) d[b + MIN] = x
    if (d[b + MAX_N]++ === 0 || x > d[b + MAX]!) d[b + MAX] = x
    h = d[b + AVG_HI]!
    t = h + x
    d[b + AVG_LO] += carry(h, x, t)
    d[b + AVG_HI] = t
    d[b + AVG_N]++
    d[b + EPOCH_A] = 1
    d[b + EPOCH_B] = 1
    if (++d[b + END]! - d[b + START]! === W.windowSize) fire(k)
  }
  for (let k = 0; k < keys.length; k++) if (d[k * STRIDE + COUNT]! > 0) fire(k)
  return out
}

/**
 * The step's memory traffic in its own layout (a column per field).
 *
 * @example
 * const checksum = stepColumnsLoop.run(buildEvents(1000))
 */
export const stepColumnsLoop: WVariant = {
  name: 'step columns',
  description: 'for loop: the window step\'s 15 values per record (per-field counts, compensated sums, epochs) in a Float64Array per field, one thread',
  run: (events) => inColumns(events, (e) => e.key, (e) => e.value),
}

/**
 * The same values in rows (a row-major table).
 *
 * @example
 * const checksum = stepRowsLoop.run(buildEvents(1000))
 */
export const stepRowsLoop: WVariant = {
  name: 'step rows',
  description: 'for loop: the same 15 values per record, a row\'s together in one Float64Array (stride 16), one thread',
  run: (events) => inRows(events, (e) => e.key, (e) => e.value),
}
