import { BLOB_HEADER_BYTES, writeBlobHeader } from './blob-header.ts'
import type { CodecName } from './codec-name.ts'
import { compressorFor } from './compressor-for.ts'
import { crc32 } from './crc32.ts'

/**
 * An encoded snapshot: the blob (header + payload), the serialized length and the payload's
 * crc32 (what a manifest records next to the blob's key).
 *
 * @example
 * const { bytes, rawBytes, crc32 } = await encodeSnapshot(state, 'zstd')
 */
export interface EncodedSnapshot {
  readonly bytes: Uint8Array
  readonly rawBytes: number
  readonly crc32: number
}

/**
 * Compresses serialized bytes and frames them with a checksummed header on the thread that calls
 * it (lz4 and snappy hand the compression itself to libuv's pool; zstd runs here). Both paths of
 * encodeSerialized end here: the caller's thread for small payloads, a pool thread
 * (encode-worker.ts) for large ones, so their blobs are the same bytes. `codec` and `level` are
 * checked by the caller. `raw` is not modified.
 *
 * @example
 * const { bytes } = await encodeInline(serializeSnapshot(state), 'zstd', 1)
 */
export async function encodeInline(raw: Uint8Array, codec: CodecName, level: number): Promise<EncodedSnapshot> {
  const payload = await compressorFor(codec).compress(raw, level)
  // One allocation for the blob; the payload is copied in once (the compressors allocate their
  // own output and none of them can write at an offset of a caller's buffer).
  const bytes = new Uint8Array(BLOB_HEADER_BYTES + payload.byteLength)
  bytes.set(payload, BLOB_HEADER_BYTES)
  const sum = crc32(payload)
  writeBlobHeader(bytes, codec, raw.byteLength, sum)
  return { bytes, rawBytes: raw.byteLength, crc32: sum }
}
