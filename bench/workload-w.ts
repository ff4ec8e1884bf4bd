/**
 * Workload W: keyed events `{ key, value, ts }`, a tumbling count window of 100 per key emitting
 * `{ key, count, sum, min, max, avg }`. At the end of the input every key's open (partial) window
 * is emitted too, in every variant: at the end of a bounded input every open window fires, a
 * partial one included.
 *
 * The input is built once, deterministically, before any timing; every variant consumes the same
 * array and is checked against the hand loop's {@link Checksum}.
 */

/** One input event. `value` is an integer so sums are exact whatever the addition order. */
export interface WEvent {
  readonly key: string
  readonly value: number
  readonly ts: number
}

/** One fired window. */
export interface WindowResult {
  readonly key: string
  readonly count: number
  readonly sum: number
  readonly min: number
  readonly max: number
  readonly avg: number
}

/** The sizes of workload W (the numbers). */
export const W = { events: 5_000_000, keys: 1000, windowSize: 100, seed: 42 } as const

/**
 * mulberry32: a small, fast, seeded PRNG returning floats in [0, 1).
 *
 * @example
 * const rnd = mulberry32(42); rnd() // same sequence on every run
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The input array: `n` events, keys drawn uniformly from `keys` interned strings (`k000`…),
 * values integers in [0, 1000), timestamps increasing by 0–2 ms.
 *
 * @example
 * const events = buildEvents(10_000) // deterministic for a given seed
 */
export function buildEvents(n: number = W.events, keys: number = W.keys, seed: number = W.seed): WEvent[] {
  const rnd = mulberry32(seed)
  const names = Array.from({ length: keys }, (_, i) => `k${String(i).padStart(3, '0')}`)
  const events = new Array<WEvent>(n)
  let ts = 1_700_000_000_000
  for (let i = 0; i < n; i++) {
    ts += Math.floor(rnd() * 3)
    events[i] = { key: names[Math.floor(rnd() * keys)]!, value: Math.floor(rnd() * 1000), ts }
  }
  return events
}

/**
 * Builds a result; every variant goes through this one function so results share one shape.
 *
 * @example
 * windowResult('k001', 2, 10, 4, 6) // { key: 'k001', count: 2, sum: 10, min: 4, max: 6, avg: 5 }
 */
export function windowResult(key: string, count: number, sum: number, min: number, max: number): WindowResult {
  return { key, count, sum, min, max, avg: sum / count }
}

/**
 * The result of one buffered window (the RxJS `bufferCount` variant computes from the buffer).
 *
 * @example
 * resultOfBuffer('k001', [{ key: 'k001', value: 4, ts: 0 }])
 */
export function resultOfBuffer(key: string, buffer: readonly WEvent[]): WindowResult {
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (const e of buffer) {
    sum += e.value
    if (e.value < min) min = e.value
    if (e.value > max) max = e.value
  }
  return windowResult(key, buffer.length, sum, min, max)
}

/** The open window of one key. */
export class WindowAcc {
  count = 0
  sum = 0
  min = Infinity
  max = -Infinity

  reset(): void {
    this.count = 0
    this.sum = 0
    this.min = Infinity
    this.max = -Infinity
  }
}

/**
 * Per-key tumbling count windows over accumulators, for variants that see one record at a time
 * (Node streams, the oxiflow Oxi). The hand loop writes the same logic out inline.
 *
 * @example
 * const w = new KeyedCountWindows(100, (r) => out.push(r)); w.add('k1', 5); w.flush()
 */
export class KeyedCountWindows {
  private readonly open = new Map<string, WindowAcc>()

  constructor(private readonly size: number, public emit: (result: WindowResult) => void) {}

  add(key: string, value: number): void {
    let acc = this.open.get(key)
    if (acc === undefined) {
      acc = new WindowAcc()
      this.open.set(key, acc)
    }
    acc.count++
    acc.sum += value
    if (value < acc.min) acc.min = value
    if (value > acc.max) acc.max = value
    if (acc.count === this.size) {
      this.emit(windowResult(key, acc.count, acc.sum, acc.min, acc.max))
      acc.reset()
    }
  }

  /** End of input: emits every partial window, in first-seen key order. */
  flush(): void {
    for (const [key, acc] of this.open) {
      if (acc.count > 0) this.emit(windowResult(key, acc.count, acc.sum, acc.min, acc.max))
      acc.reset()
    }
  }
}

/** FNV-1a of a string, 32-bit: lets the checksum see which key a window belongs to. */
function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * An order-independent digest of the emitted windows. Integer fields are exact; `avg` (a float
 * sum) is compared with a relative tolerance since variants may emit in different orders.
 *
 * @example
 * const c = new Checksum(); c.add(result); c.windows
 */
export class Checksum {
  windows = 0
  records = 0
  sum = 0
  min = 0
  max = 0
  avg = 0
  keyMix = 0

  add(r: WindowResult): void {
    this.windows++
    this.records += r.count
    this.sum += r.sum
    this.min += r.min
    this.max += r.max
    this.avg += r.avg
    this.keyMix = (this.keyMix + Math.imul(hashKey(r.key), r.count) + r.sum) >>> 0
  }
}

/**
 * Throws, naming every field that differs, when `found` is not the hand loop's checksum.
 *
 * @example
 * assertSameChecksum('rxjs', rxjsChecksum, handChecksum)
 */
export function assertSameChecksum(variant: string, found: Checksum, expected: Checksum): void {
  const diffs: string[] = []
  for (const f of ['windows', 'records', 'sum', 'min', 'max', 'keyMix'] as const) {
    if (found[f] !== expected[f]) diffs.push(`${f}: found ${found[f]}, expected ${expected[f]}`)
  }
  if (Math.abs(found.avg - expected.avg) > 1e-9 * Math.abs(expected.avg)) {
    diffs.push(`avg: found ${found.avg}, expected ${expected.avg}`)
  }
  if (diffs.length > 0) {
    throw new Error(`variant '${variant}' produced different output than the hand loop — ${diffs.join('; ')}`)
  }
}

/** One way of computing workload W; `run` returns the digest of what it emitted. */
export interface WVariant {
  readonly name: string
  /** One line: what the variant is, as shown under the table. */
  readonly description: string
  run(events: readonly WEvent[]): Checksum | Promise<Checksum>
}
