/** UTF-8 bytes of the key being hashed, reused (grown as needed): no allocation per key. */
let bytes = new Uint8Array(256)

/**
 * MurmurHash3 x86 32-bit of a string's UTF-8 bytes (seed 0 by default). Part of the stored
 * format: key groups in checkpoints are computed with it, so it must never change.
 * Encodes UTF-8 into a reused buffer first (no TextEncoder allocation, no closure per key: a
 * closure cost more than the hash when a restore checked 1M keys' groups).
 *
 * @example
 * murmur3('hello') // 613153351, as in the reference implementation
 */
export function murmur3(text: string, seed = 0): number {
  if (bytes.length < text.length * 3) bytes = new Uint8Array(text.length * 3)
  const b = bytes
  let n = 0
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) b[n++] = c
    else if (c < 0x800) { b[n++] = 0xc0 | (c >> 6); b[n++] = 0x80 | (c & 63) }
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00)
      b[n++] = 0xf0 | (c >> 18); b[n++] = 0x80 | ((c >> 12) & 63); b[n++] = 0x80 | ((c >> 6) & 63); b[n++] = 0x80 | (c & 63)
    } else {
      // A lone surrogate encodes as U+FFFD, as TextEncoder does.
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd
      b[n++] = 0xe0 | (c >> 12); b[n++] = 0x80 | ((c >> 6) & 63); b[n++] = 0x80 | (c & 63)
    }
  }
  let h = seed >>> 0
  const blocks = n & ~3
  for (let i = 0; i < blocks; i += 4) {
    h ^= scramble(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24))
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64
  }
  let k = 0
  for (let i = n - 1; i >= blocks; i--) k = (k << 8) | b[i]
  if (n > blocks) h ^= scramble(k)
  h ^= n
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  return Math.imul(k, 0x1b873593)
}
