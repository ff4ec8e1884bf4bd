import { crc32 } from 'node:zlib'
import { CorruptSnapshotError } from '../errors/corrupt-snapshot-error.ts'
import { CODEC_IDS, type BlobHeader, type CodecName } from './codec-name.ts'

/**
 * The blob header, 24 bytes, little-endian: magic "OXF1", format 1 (u8), codec id (u8), 0 (u16),
 * raw length (u32), payload length (u32), payload crc32 (u32), crc32 of the 20 bytes before (u32).
 * The header's own checksum means no byte of a blob can flip unnoticed.
 */
export const HEADER_BYTES = 24
const MAGIC = 0x3146584f // "OXF1" read as a little-endian u32

/** Writes the header for `payload` into the first 24 bytes of `out`. */
export function writeBlobHeader(out: Uint8Array, codec: CodecName, rawBytes: number, payload: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, HEADER_BYTES)
  const sum = crc32(payload)
  view.setUint32(0, MAGIC, true)
  view.setUint8(4, 1)
  view.setUint8(5, CODEC_IDS.indexOf(codec))
  view.setUint16(6, 0, true)
  view.setUint32(8, rawBytes, true)
  view.setUint32(12, payload.byteLength, true)
  view.setUint32(16, sum, true)
  view.setUint32(20, crc32(out.subarray(0, 20)), true)
  return sum
}

/**
 * Reads and checks a blob's header: magic, format, codec, its own checksum, and that the blob is
 * as long as the header says (a truncated blob names expected and found lengths).
 *
 * @example
 * readBlobHeader(bytes, "checkpoint 7 of 'clicks', step 'agg'").codec // 'zstd'
 */
export function readBlobHeader(bytes: Uint8Array, where: string): BlobHeader {
  if (bytes.byteLength < HEADER_BYTES) throw new CorruptSnapshotError(where, `truncated: expected at least ${HEADER_BYTES} bytes, found ${bytes.byteLength}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES)
  if (view.getUint32(0, true) !== MAGIC) throw new CorruptSnapshotError(where, 'bad magic: this is not an oxiflow snapshot blob')
  if (view.getUint32(20, true) !== crc32(bytes.subarray(0, 20))) throw new CorruptSnapshotError(where, 'header checksum mismatch')
  if (view.getUint8(4) !== 1) throw new CorruptSnapshotError(where, `unknown blob format ${view.getUint8(4)} (this version reads format 1)`)
  const codec = CODEC_IDS[view.getUint8(5)]
  if (codec === undefined) throw new CorruptSnapshotError(where, `unknown codec id ${view.getUint8(5)}`)
  const storedBytes = HEADER_BYTES + view.getUint32(12, true)
  if (bytes.byteLength !== storedBytes) {
    throw new CorruptSnapshotError(where, `${bytes.byteLength < storedBytes ? 'truncated' : 'too long'}: expected ${storedBytes} bytes, found ${bytes.byteLength}`)
  }
  return { magic: 'OXF1', codec, rawBytes: view.getUint32(8, true), storedBytes, crc32: view.getUint32(16, true) }
}
