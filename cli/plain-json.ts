import { isPackedGroup, unpackGroup } from '../runtime/state/keyed-snapshot.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * JSON for state that v8 keeps but JSON does not: a Map with string or number keys becomes an
 * object (any other Map a list of [key, value] pairs), a Set a list, a BigInt its digits, bytes
 * that are UTF-8 text without control characters (but newlines and tabs) — a file sink's pending
 * lines — that text, other typed arrays a list of numbers; a key group of keyed state stored
 * packed (`ctx.state`, `.reduce`) its `{ keys, values }`.
 *
 * @example
 * plainJson(new Map([['a', 1n]])) // '{\n  "a": "1"\n}'
 */
export function plainJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    // A Buffer's toJSON ran already: its bytes are the holder's own value.
    const raw = this[key]
    if (raw instanceof Uint8Array) {
      const text = textOf(raw)
      if (text !== undefined) return text
      return Array.from(raw)
    }
    if (isPackedGroup(v)) return unpackGroup(v)
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

/** The bytes as text when they are UTF-8 without control characters other than tab, CR and LF. */
function textOf(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return undefined
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}
