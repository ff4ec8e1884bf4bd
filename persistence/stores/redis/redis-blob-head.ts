/**
 * A blob's head in the Redis store: 0x00 followed by the bytes (small blobs), or 0x01 followed
 * by JSON `{"id","n","size"}` naming n chunks of the blob (see redis-scripts.ts).
 *
 * @example
 * const head = inlineHead(bytes) // Buffer [0x00, ...bytes]
 */
export interface ChunkedHead {
  readonly id: string
  readonly n: number
  readonly size: number
}

/** The head of a blob stored inline. */
export function inlineHead(bytes: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(bytes.byteLength + 1)
  head[0] = 0
  head.set(bytes, 1)
  return head
}

/** The head of a chunked blob. */
export function chunkedHead(h: ChunkedHead): Buffer {
  return Buffer.concat([Buffer.from([1]), Buffer.from(JSON.stringify({ id: h.id, n: h.n, size: h.size }))])
}

/** Reads a head: the inline bytes (a copy), the chunks it names, or undefined when it is neither. */
export function readHead(head: Buffer): { bytes: Uint8Array } | { chunks: ChunkedHead } | undefined {
  if (head[0] === 0) return { bytes: new Uint8Array(head.subarray(1)) } // a plain copy, not a Buffer
  if (head[0] !== 1) return undefined
  try {
    const m = JSON.parse(head.subarray(1).toString('utf8')) as ChunkedHead
    return typeof m?.id === 'string' && Number.isSafeInteger(m.n) && Number.isSafeInteger(m.size) ? { chunks: m } : undefined
  } catch {
    return undefined // not a head oxiflow wrote; the caller names the key
  }
}
