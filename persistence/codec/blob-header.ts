import { crc32 } from './crc32.ts'
import { CODEC_IDS, type CodecName } from './codec-name.ts'

/**
 * Length of a blob's header. Layout (little-endian):
 *
 * | offset | size | field |
 * |---:|---:|:--|
 * | 0 | 4 | magic `OXF1` |
 * | 4 | 1 | format version (1) |
 * | 5 | 1 | codec id (index in CODEC_IDS) |
 * | 6 | 2 | flags, 0 |
 * | 8 | 8 | raw length: the v8-serialized bytes |
 * | 16 | 8 | stored length: the whole blob, header included |
 * | 24 | 4 | crc32 of the payload (bytes 32…) |
 * | 28 | 4 | crc32 of bytes 0–27 |
 *
 * Lengths are 64-bit because Node 22 lifts the 4 GiB Buffer limit; the header's own checksum
 * means a flipped length or codec byte is reported as such, not as a confusing decompression
 * failure. 32 bytes keep the payload 8-aligned, so a `none` blob's typed arrays deserialize
 * without a copy.
 *
 * @example
 * const blob = new Uint8Array(BLOB_HEADER_BYTES + payload.length)
 */
export const BLOB_HEADER_BYTES = 32

/**
 * `OXF1` read as a little-endian u32: the first four bytes of every blob.
 *
 * @example
 * new DataView(blob.buffer, blob.byteOffset).getUint32(0, true) === BLOB_MAGIC
 */
export const BLOB_MAGIC = 0x3146584f

/**
 * The blob format this version writes and reads (byte 4). A new layout gets a new number, so an
 * older reader says "unknown blob format" instead of misreading it.
 *
 * @example
 * blob[4] === BLOB_FORMAT
 */
export const BLOB_FORMAT = 1

/**
 * Fills the first BLOB_HEADER_BYTES of `blob` (whose payload is already in place): the stored
 * length is `blob.byteLength`.
 *
 * @example
 * writeBlobHeader(blob, 'zstd', raw.byteLength, crc32(blob.subarray(BLOB_HEADER_BYTES)))
 */
export function writeBlobHeader(blob: Uint8Array, codec: CodecName, rawBytes: number, payloadCrc32: number): void {
  const view = new DataView(blob.buffer, blob.byteOffset, BLOB_HEADER_BYTES)
  view.setUint32(0, BLOB_MAGIC, true)
  view.setUint8(4, BLOB_FORMAT)
  view.setUint8(5, CODEC_IDS.indexOf(codec))
  view.setUint16(6, 0, true)
  setUint64(view, 8, rawBytes)
  setUint64(view, 16, blob.byteLength)
  view.setUint32(24, payloadCrc32, true)
  view.setUint32(28, crc32(blob.subarray(0, 28)), true)
}

/**
 * Writes a safe integer as a little-endian u64 (two u32s: cheaper than BigInt).
 *
 * @example
 * setUint64(view, 8, 5_000_000_000)
 */
export function setUint64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 2 ** 32, true)
  view.setUint32(offset + 4, Math.floor(value / 2 ** 32), true)
}

/**
 * Reads a little-endian u64 as a number (exact up to 2^53).
 *
 * @example
 * getUint64(view, 8) // 5_000_000_000
 */
export function getUint64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32
}
