/**
 * A reference for bench/window-hot-path.ts: the per-record work the window step cannot avoid,
 * written as a plain loop — the key through a function, one `Map<key, slot>` lookup, four value
 * functions each checked (a finite number) at its own call site, compensated (Neumaier) sums for
 * `sum` and `avg`, `min`, `max` and `count` in Float64Array columns by slot, a window fired at
 * its 100th record. What it costs over the hand loop is what checking, compensating and columns
 * cost; what the window step costs over it is the step's structure (calls through aggregator
 * objects, window and accumulator indirections), not its work.
 */
import { Checksum, W, windowResult, type WEvent, type WVariant } from '../workload-w.ts'

type Value = (e: WEvent) => number

/** Columns of the open windows by slot: count, sum (hi, lo), min, max, avg (hi, lo). */
class Columns {
  count: Float64Array
  hi: Float64Array
  lo: Float64Array
  min: Float64Array
  max: Float64Array
  avgHi: Float64Array
  avgLo: Float64Array

  constructor(n: number) {
    this.count = new Float64Array(n)
    this.hi = new Float64Array(n)
    this.lo = new Float64Array(n)
    this.min = new Float64Array(n).fill(Infinity)
    this.max = new Float64Array(n).fill(-Infinity)
    this.avgHi = new Float64Array(n)
    this.avgLo = new Float64Array(n)
  }

  reset(k: number): void {
    this.count[k] = 0
    this.hi[k] = 0
    this.lo[k] = 0
    this.min[k] = Infinity
    this.max[k] = -Infinity
    this.avgHi[k] = 0
    this.avgLo[k] = 0
  }
}

function bad(v: unknown): Error {
  return new Error(`a value function returned ${String(v)}, not a finite number`)
}

function loop(events: readonly WEvent[], keyOf: (e: WEvent) => string, sumOf: Value, minOf: Value, maxOf: Value, avgOf: Value): Checksum {
  const out = new Checksum()
  const slots = new Map<string, number>()
  const keys: string[] = []
  const c = new Columns(1024)
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const key = keyOf(e)
    let k = slots.get(key)
    if (k === undefined) {
      k = keys.length
      if (k === c.count.length) throw new Error('more keys than this reference has columns for')
      slots.set(key, k)
      keys.push(key)
    }
    const s = sumOf(e)
    if (typeof s !== 'number' || !Number.isFinite(s)) throw bad(s)
    const lo = minOf(e)
    if (typeof lo !== 'number' || !Number.isFinite(lo)) throw bad(lo)
    const hi = maxOf(e)
    if (typeof hi !== 'number' || !Number.isFinite(hi)) throw bad(hi)
    const a = avgOf(e)
    if (typeof a !== 'number' || !Number.isFinite(a)) throw bad(a)
    let h = c.hi[k]!
    let t = h + s
    c.lo[k] += Math.abs(h) >= Math.abs(s) ? (h - t) + s : (s - t) + h
    c.hi[k] = t
    if (lo < c.min[k]!) c.min[k] = lo
    if (hi > c.max[k]!) c.max[k] = hi
    h = c.avgHi[k]!
    t = h + a
    c.avgLo[k] += Math.abs(h) >= Math.abs(a) ? (h - t) + a : (a - t) + h
    c.avgHi[k] = t
    if (++c.count[k] === W.windowSize) {
      out.add(windowResult(key, c.count[k]!, c.hi[k]! + c.lo[k]!, c.min[k]!, c.max[k]!))
      c.reset(k)
    }
  }
  for (let k = 0; k < keys.length; k++) {
    if (c.count[k]! > 0) out.add(windowResult(keys[k]!, c.count[k]!, c.hi[k]! + c.lo[k]!, c.min[k]!, c.max[k]!))
  }
  return out
}

/**
 * The column loop as a workload-W variant (count windows of 100 per key).
 *
 * @example
 * const checksum = columnLoop.run(buildEvents(1000))
 */
export const columnLoop: WVariant = {
  name: 'column loop',
  description: 'for loop: key function, Map<key, slot>, 4 checked value functions, compensated sums, Float64Array columns by slot, one thread',
  run: (events) => loop(events, (e) => e.key, (e) => e.value, (e) => e.value, (e) => e.value, (e) => e.value),
}
