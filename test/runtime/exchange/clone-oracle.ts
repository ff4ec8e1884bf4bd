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
  assert.deepStrictEqual(decoded, expected)
  assert.deepStrictEqual(layout(decoded), layout(expected))
}
