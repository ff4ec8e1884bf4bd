/** How a snapshot's serialized bytes are compressed; recorded in each blob's header. */
export type CodecName = 'none' | 'lz4' | 'snappy' | 'zstd'

/** The codecs in header order: a blob stores the index. Never reorder (stored format). */
export const CODEC_IDS: readonly CodecName[] = ['none', 'lz4', 'snappy', 'zstd']

/**
 * A blob's header. `storedBytes` is the whole blob's length (header included); `crc32` covers
 * the payload (the compressed bytes).
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
