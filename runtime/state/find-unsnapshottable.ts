/**
 * What a write to `ctx.state` holds that no checkpoint can: `what` it is (`a function`, `a
 * WeakMap`) and where in the written value (`.handlers[0]`; '' for the value itself).
 *
 * @example
 * const found: Unsnapshottable = { path: '.f', what: 'a function' }
 */
export interface Unsnapshottable {
  readonly path: string
  readonly what: string
}

/** Values a write looks at, at most (a big array written again and again must not cost its size each time). */
export const WRITE_BUDGET = 256
/** Levels of nesting a write looks into, at most. */
export const WRITE_DEPTH = 16

/** What the last walk found, and its path innermost part first (module state: a walk allocates nothing unless it finds one). */
let what = ''
const path: string[] = []

/**
 * The first part of `value` that no checkpoint can hold — a function, a symbol, a WeakMap,
 * WeakSet, WeakRef or Promise — looking into arrays, objects (class instances too: a checkpoint
 * keeps their own fields), Maps and Sets, at most `budget` values and `depth` levels deep. Run on
 * every write, so it allocates nothing unless it finds one (the path is built on the way back).
 * Typed arrays, ArrayBuffers, Dates, RegExps and Errors are leaves. A Proxy or a part beyond the
 * bounds is not seen: the checkpoint still refuses it (StateSnapshotError). Measured (Node 20, a
 * shared 2-core VM): +5–15 ns a write of `{ n }`, +40–80 ns of `{ n, s, tags: ['a', 'b'] }`.
 *
 * @example
 * findUnsnapshottable({ a: [1, () => 2] }) // { path: '.a[1]', what: 'a function' }
 */
export function findUnsnapshottable(value: unknown, budget = WRITE_BUDGET, depth = WRITE_DEPTH): Unsnapshottable | undefined {
  if (left(value, depth, budget) >= 0) return undefined
  const found = { path: path.reverse().join(''), what }
  path.length = 0
  return found
}

/** The budget `v` leaves (it and its parts looked at), or −1 when it cannot be snapshotted or holds a part that cannot. */
function left(v: unknown, depth: number, budget: number): number {
  if (--budget < 0) return 0
  const t = typeof v
  if (t !== 'object') return t === 'function' || t === 'symbol' ? found(`a ${t}`) : budget
  if (v === null || depth === 0) return budget
  const d = depth - 1
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && budget > 0; i++) if ((budget = left(v[i], d, budget)) < 0) return at(`[${i}]`)
    return budget
  }
  const proto: unknown = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) {
    if (v instanceof Map) {
      for (const [k, x] of v) {
        if ((budget = left(k, d, budget)) < 0) return at('<Map key>')
        if ((budget = left(x, d, budget)) < 0) return at(`<Map value ${label(k)}>`)
        if (budget === 0) return 0
      }
      return budget
    }
    if (v instanceof Set) {
      for (const x of v) if ((budget = left(x, d, budget)) <= 0) return budget < 0 ? at('<Set element>') : 0
      return budget
    }
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof WeakRef || v instanceof Promise) return found(`a ${v.constructor.name}`)
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || v instanceof RegExp || v instanceof Error) return budget
  }
  if (proto === Object.prototype || proto === null) {
    // A plain object: for-in without Object.hasOwn (measured 15 ns a small object with it) — only
    // an Object.prototype given enumerable properties would add inherited ones to the walk.
    for (const k in v) {
      if ((budget = left((v as Record<string, unknown>)[k], d, budget)) < 0) return at(`.${k}`)
      if (budget === 0) return 0
    }
    return budget
  }
  for (const k of Object.keys(v as object)) {
    if ((budget = left((v as Record<string, unknown>)[k], d, budget)) < 0) return at(`.${k}`)
    if (budget === 0) return 0
  }
  return budget
}

function found(it: string): -1 {
  what = it
  return -1
}

/** Adds `part` to the path of what was found (on the way back). */
function at(part: string): -1 {
  path.push(part)
  return -1
}

function label(k: unknown): string {
  return typeof k === 'string' ? `'${k.length > 40 ? `${k.slice(0, 40)}…` : k}'` : typeof k === 'object' && k !== null ? 'of an object key' : String(k)
}
