/**
 * A value in a snapshot that is not plain data: `path` is where (`.counts`, `[3]`, `<Map value 'k'>`),
 * `what` what it is (`a function`, `an instance of class Stats`).
 *
 * @example
 * const found: NonPlain = { path: '.stats', what: 'an instance of class Stats', serializable: true }
 */
export interface NonPlain {
  readonly path: string
  readonly what: string
  /** True for a class instance (v8 serializes it, as a plain object); false for what v8.serialize refuses. */
  readonly serializable: boolean
}

// What v8.serialize keeps as it is. An instance of any other class (a Map subclass included)
// comes back as the plain object or base class, without its prototype.
const PLAIN_PROTOTYPES = new Set<unknown>([
  null, Object.prototype, Array.prototype, Map.prototype, Set.prototype, Date.prototype, RegExp.prototype,
  Boolean.prototype, Number.prototype, String.prototype, BigInt.prototype, ArrayBuffer.prototype, SharedArrayBuffer.prototype,
  Error.prototype, EvalError.prototype, RangeError.prototype, ReferenceError.prototype, SyntaxError.prototype, TypeError.prototype, URIError.prototype,
])

/**
 * The first value in `value` (depth first, in v8's order) that is not plain data — a function,
 * a symbol, an object v8.serialize refuses (WeakMap, Promise…) or an instance of a user class —
 * visiting at most `budget` values (the walk runs at the barrier, on the actor's thread: a
 * bounded walk keeps it cheap whatever the state's size). Typed arrays and Buffers are leaves.
 *
 * @example
 * findNonPlain({ a: [1, () => 2] }) // { path: '.a[1]', what: 'a function', serializable: false }
 */
export function findNonPlain(value: unknown, budget = Infinity): NonPlain | undefined {
  const seen = new Set<object>()
  const stack: Array<[unknown, string]> = [[value, '']]
  let visited = 0
  while (stack.length > 0 && visited++ < budget) {
    const [v, path] = stack.pop()!
    if (typeof v === 'function') return { path: path || '(the snapshot)', what: 'a function', serializable: false }
    if (typeof v === 'symbol') return { path: path || '(the snapshot)', what: 'a symbol', serializable: false }
    if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v)) continue
    seen.add(v)
    const proto: unknown = Object.getPrototypeOf(v)
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise || v instanceof WeakRef) {
      return { path: path || '(the snapshot)', what: `a ${v.constructor.name}`, serializable: false }
    }
    if (!PLAIN_PROTOTYPES.has(proto)) {
      const name = (proto as { constructor?: { name?: string } } | undefined)?.constructor?.name || '(anonymous)'
      return { path: path || '(the snapshot)', what: `an instance of class ${name}`, serializable: true }
    }
    // At most as many children as the budget has room for (a Map of a million entries must not
    // cost a million steps), pushed in reverse so the first child is visited first.
    const room = budget - visited
    const children: Array<[unknown, string]> = []
    if (v instanceof Map) {
      for (const [k, x] of v) { if (children.length >= room) break; children.push([k, `${path}<Map key>`], [x, `${path}<Map value ${label(k)}>`]) }
    } else if (v instanceof Set) {
      for (const x of v) { if (children.length >= room) break; children.push([x, `${path}<Set element>`]) }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && children.length < room; i++) children.push([v[i], `${path}[${i}]`])
    } else {
      for (const k in v) { if (children.length >= room) break; if (Object.hasOwn(v, k)) children.push([(v as Record<string, unknown>)[k], `${path}.${k}`]) }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
  return undefined
}

function label(k: unknown): string {
  return typeof k === 'string' ? `'${k.length > 40 ? `${k.slice(0, 40)}…` : k}'` : typeof k === 'object' ? 'of an object key' : String(k)
}
