/**
 * JSON for state that v8 keeps but JSON does not: a Map with string or number keys becomes an
 * object (any other Map a list of [key, value] pairs), a Set a list, a BigInt its digits.
 *
 * @example
 * plainJson(new Map([['a', 1n]])) // '{\n  "a": "1"\n}'
 */
export function plainJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString()
    if (v instanceof Set) return [...v]
    if (v instanceof Map) {
      const simple = [...v.keys()].every((k) => typeof k === 'string' || typeof k === 'number')
      return simple ? Object.fromEntries(v) : [...v]
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>)
    return v
  }, 2)
}
