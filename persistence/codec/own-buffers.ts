/** Values looked at before giving up: a snapshot built as columns has a few hundred. */
const LOOKED_AT = 100_000

/**
 * The ArrayBuffers of the typed arrays in `value` (objects, arrays, Maps and Sets walked) that
 * each cover their whole buffer — those a postMessage can move rather than copy. A view into a
 * larger buffer is left out (moving it would detach memory beyond it), and so is everything when
 * the walk passes LOOKED_AT values (a snapshot of many objects: copied, not worth walking).
 *
 * @example
 * ownBuffers({ cols: [new Float64Array(4)] }) // [ArrayBuffer(32)]
 */
export function ownBuffers(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>()
  const seen = new Set<object>()
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v !== 'object' || v === null || seen.has(v)) continue
    seen.add(v)
    if (seen.size > LOOKED_AT) return []
    if (ArrayBuffer.isView(v)) {
      const buffer = v.buffer
      if (buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === buffer.byteLength) found.add(buffer)
    } else if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x)
    } else if (v instanceof Set || Array.isArray(v)) {
      for (const x of v) stack.push(x)
    } else {
      for (const x of Object.values(v)) stack.push(x)
    }
  }
  return [...found]
}
