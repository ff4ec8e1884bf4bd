import { InvalidCodecLevelError } from './invalid-codec-level-error.ts'
import { BLOB_HEADER_BYTES, writeBlobHeader } from './blob-header.ts'
import type { CodecName } from './codec-name.ts'
import { compressorFor } from './compressor-for.ts'
import { crc32 } from './crc32.ts'
import { serializeSnapshot } from './serialize-snapshot.ts'

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
 * Compresses serialized bytes and frames them with a checksummed header — after the barrier:
 * lz4 and snappy compress on libuv's thread pool, zstd (the default, level 1: ratio ~5 at
 * ~250 MB/s here) on this thread. `level` is zstd's (1–22) and ignored by the other codecs.
 * The blob is a fresh buffer the caller owns; `raw` is not modified and may be reused once the
 * promise settles.
 *
 * @example
 * const { bytes } = await encodeSerialized(serializeSnapshot(state), 'zstd')
 */
export async function encodeSerialized(raw: Uint8Array, codec: CodecName, level = 1): Promise<EncodedSnapshot> {
  const compressor = compressorFor(codec)
  if (codec === 'zstd' && !(Number.isInteger(level) && level >= 1 && level <= 22)) throw new InvalidCodecLevelError(level)
  const payload = await compressor.compress(raw, level)
  // One allocation for the blob; the payload is copied in once (the compressors allocate their
  // own output and none of them can write at an offset of a caller's buffer).
  const bytes = new Uint8Array(BLOB_HEADER_BYTES + payload.byteLength)
  bytes.set(payload, BLOB_HEADER_BYTES)
  const sum = crc32(payload)
  writeBlobHeader(bytes, codec, raw.byteLength, sum)
  return { bytes, rawBytes: raw.byteLength, crc32: sum }
}

/**
 * Serializes and encodes in one call (tests, offline tools; the runtime serializes at the
 * barrier and encodes later).
 *
 * @example
 * const { bytes } = await encodeSnapshot(new Map([['k', 1n]]), 'lz4')
 */
export async function encodeSnapshot(value: unknown, codec: CodecName, level = 1): Promise<EncodedSnapshot> {
  return encodeSerialized(serializeSnapshot(value), codec, level)
}
