/**
 * How a snapshot's serialized bytes are compressed; recorded in each blob's header.
 *
 * @example
 * const codec: CodecName = 'zstd'
 */
export type CodecName = 'none' | 'lz4' | 'snappy' | 'zstd'

/**
 * The codecs in header order: a blob stores the index. Never reorder (it is the stored format).
 *
 * @example
 * CODEC_IDS.indexOf('zstd') // 3, the id in a zstd blob's header
 */
export const CODEC_IDS: readonly CodecName[] = ['none', 'lz4', 'snappy', 'zstd']

/**
 * True when `value` names a codec.
 *
 * @example
 * isCodecName('gzip') // false
 */
export function isCodecName(value: unknown): value is CodecName {
  return typeof value === 'string' && (CODEC_IDS as readonly string[]).includes(value)
}

/**
 * A blob's header as read back. `storedBytes` is the whole blob's length (header included);
 * `crc32` covers the payload (the compressed bytes); `rawBytes` is the v8-serialized length.
 *
 * @example
 * const h: BlobHeader = { magic: 'OXF1', codec: 'zstd', rawBytes: 1200, storedBytes: 260, crc32: 3735928559 }
 */
export interface BlobHeader {
  readonly magic: 'OXF1'
  readonly codec: CodecName
  readonly rawBytes: number
  readonly storedBytes: number
  readonly crc32: number
}
