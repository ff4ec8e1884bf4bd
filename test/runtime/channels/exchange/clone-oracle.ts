import assert from 'node:assert/strict'

/**
 * Key order and prototypes, recursively: ava's deepEqual ignores both (it finds `{ a, b }` equal
 * to `{ b, a }`, and a null-prototype object equal to a plain one).
 *
 * @example
 * layout([{ b: 1, a: 'x' }]) // ['[object Array]', [['0', ['Object', [['b', 'number'], ['a', 'string']]]]]]
 */
export function layout(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value !== 'object' || value === null || seen.has(value)) return typeof value
  seen.add(value)
  const proto = Object.getPrototypeOf(value)
  const name = proto === null ? 'null' : proto === Object.prototype ? 'Object' : Object.prototype.toString.call(value)
  return [name, Object.keys(value).map((k) => [k, layout((value as Record<string, unknown>)[k], seen)])]
}

/**
 * Throws unless `decoded` equals `expected` (what structured clone delivered): values (-0 and
 * NaN included), prototypes, key order. It throws rather than asserting through ava so that
 * fast-check sees a failure and shrinks it.
 *
 * @example
 * assertDeliveredAsClone(decodeBatch(received), structuredClone(records))
 */
export function assertDeliveredAsClone(decoded: unknown, expected: unknown): void {
  assert.deepStrictEqual(invalidDatesMarked(decoded), invalidDatesMarked(expected))
  assert.deepStrictEqual(layout(decoded), layout(expected))
}

/**
 * `value` with every invalid Date (`new Date(NaN)`) replaced by a marker: node's deepStrictEqual
 * compares dates by getTime(), and NaN is not NaN, so two invalid dates never compare equal —
 * although structured clone delivers one exactly as it was. Other values are copied as they are.
 */
function invalidDatesMarked(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { invalidDate: true } : value
  if (seen.has(value)) return seen.get(value)
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Number || value instanceof String ||
    value instanceof Boolean || value instanceof BigInt) return value
  if (value instanceof Map) {
    const out = new Map()
    seen.set(value, out)
    for (const [k, v] of value) out.set(invalidDatesMarked(k, seen), invalidDatesMarked(v, seen))
    return out
  }
  if (value instanceof Set) {
    const out = new Set()
    seen.set(value, out)
    for (const v of value) out.add(invalidDatesMarked(v, seen))
    return out
  }
  const out: Record<string, unknown> = Array.isArray(value) ? new Array(value.length) as unknown as Record<string, unknown>
    : Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>
  seen.set(value, out)
  for (const k of Object.keys(value)) {
    // Defined, not assigned: the prototype may have a getter of the same name.
    Object.defineProperty(out, k, { value: invalidDatesMarked((value as Record<string, unknown>)[k], seen), enumerable: true, writable: true, configurable: true })
  }
  return out
}
