/**
 * MurmurHash3 x86 32-bit of a string's UTF-8 bytes (seed 0 by default). Part of the stored
 * format: key groups in checkpoints are computed with it, so it must never change.
 * Encodes UTF-8 on the fly (no TextEncoder allocation per key).
 *
 * @example
 * murmur3('hello') // 613153351, as in the reference implementation
 */
export function murmur3(text: string, seed = 0): number {
  let h = seed >>> 0
  let k = 0
  let shift = 0
  let length = 0
  const mix = (byte: number): void => {
    k |= byte << shift
    shift += 8
    length++
    if (shift === 32) {
      h ^= scramble(k)
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64
      k = 0
      shift = 0
    }
  }
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) mix(c)
    else if (c < 0x800) { mix(0xc0 | (c >> 6)); mix(0x80 | (c & 63)) }
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00)
      mix(0xf0 | (c >> 18)); mix(0x80 | ((c >> 12) & 63)); mix(0x80 | ((c >> 6) & 63)); mix(0x80 | (c & 63))
    } else {
      // A lone surrogate encodes as U+FFFD, as TextEncoder does.
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd
      mix(0xe0 | (c >> 12)); mix(0x80 | ((c >> 6) & 63)); mix(0x80 | (c & 63))
    }
  }
  if (shift > 0) h ^= scramble(k)
  h ^= length
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
