import type { Compressor } from './compressor.ts'

/**
 * No compression: the payload is the serialized bytes. Decoding returns a view into the blob
 * (no copy), so typed arrays in the restored state share the blob's memory.
 *
 * @example
 * await noneCompressor.compress(raw, 0) === raw // true
 */
export const noneCompressor: Compressor = {
  codec: 'none',
  compress: async (raw) => raw,
  decompress: (payload) => payload,
}
