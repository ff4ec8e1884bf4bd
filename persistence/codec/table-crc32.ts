/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) in JavaScript, slicing by 8: eight 256-entry
 * tables let the loop consume 8 bytes per step. Only used where `zlib.crc32` is missing (Node
 * before 20.15 / 22.2); the result equals zlib's for the same bytes and `initial`.
 *
 * @example
 * tableCrc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function tableCrc32(bytes: Uint8Array, initial = 0): number {
  const t = tables()
  let crc = ~initial >>> 0
  let i = 0
  const n = bytes.length
  // 8 bytes at a time: the first 4 folded into the running crc, the next 4 looked up directly.
  for (; i + 8 <= n; i += 8) {
    const a = (crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0
    crc = t[7 * 256 + (a & 0xff)]! ^ t[6 * 256 + ((a >>> 8) & 0xff)]! ^ t[5 * 256 + ((a >>> 16) & 0xff)]! ^ t[4 * 256 + (a >>> 24)]! ^
      t[3 * 256 + bytes[i + 4]!]! ^ t[2 * 256 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^ t[bytes[i + 7]!]!
  }
  for (; i < n; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
  return ~crc >>> 0
}

let cached: Uint32Array | undefined

/** The 8 tables, built on first use (8 KiB). Table k maps a byte to its crc after k more zero bytes. */
function tables(): Uint32Array {
  if (cached) return cached
  const t = new Uint32Array(8 * 256)
  for (let b = 0; b < 256; b++) {
    let c = b
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[b] = c >>> 0
  }
  for (let k = 1; k < 8; k++) {
    for (let b = 0; b < 256; b++) {
      const prev = t[(k - 1) * 256 + b]!
      t[k * 256 + b] = (t[prev & 0xff]! ^ (prev >>> 8)) >>> 0
    }
  }
  return (cached = t)
}
