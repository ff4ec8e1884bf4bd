import { CorruptSnapshotError } from './corrupt-snapshot-error.ts'
import { BLOB_FORMAT, BLOB_HEADER_BYTES, BLOB_MAGIC, getUint64 } from './blob-header.ts'
import { CODEC_IDS, type BlobHeader } from './codec-name.ts'
import { crc32 } from './crc32.ts'

/**
 * Reads and checks a blob's header — magic, the header's own checksum, format, codec — and that
 * the blob is as long as the header says: a truncated blob names the expected and found lengths.
 * Does not read the payload (verifyBlob checks its checksum).
 *
 * @example
 * readBlobHeader(bytes, "checkpoint 7 of 'clicks', step 'agg'").codec // 'zstd'
 */
export function readBlobHeader(bytes: Uint8Array, where: string): BlobHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, BLOB_HEADER_BYTES))
  if (bytes.byteLength >= 4 && view.getUint32(0, true) !== BLOB_MAGIC) {
    throw new CorruptSnapshotError(where, `bad magic: expected 'OXF1', found 0x${hex(bytes.subarray(0, 4))} (not an oxiflow snapshot blob)`)
  }
  if (bytes.byteLength < BLOB_HEADER_BYTES) {
    throw new CorruptSnapshotError(where, `truncated: expected at least ${BLOB_HEADER_BYTES} bytes (the header), found ${bytes.byteLength}`)
  }
  const headerSum = crc32(bytes.subarray(0, 28))
  if (view.getUint32(28, true) !== headerSum) {
    throw new CorruptSnapshotError(where, `header checksum mismatch: expected crc32 ${view.getUint32(28, true)}, found ${headerSum}`)
  }
  const format = view.getUint8(4)
  if (format !== BLOB_FORMAT) {
    throw new CorruptSnapshotError(where, `unknown blob format ${format} (this version reads format ${BLOB_FORMAT}; was it written by a newer oxiflow?)`)
  }
  const codec = CODEC_IDS[view.getUint8(5)]
  if (codec === undefined) throw new CorruptSnapshotError(where, `unknown codec id ${view.getUint8(5)} (known: ${CODEC_IDS.map((c, i) => `${i} ${c}`).join(', ')})`)
  const storedBytes = getUint64(view, 16)
  if (bytes.byteLength !== storedBytes) {
    const what = bytes.byteLength < storedBytes ? 'truncated' : 'too long'
    throw new CorruptSnapshotError(where, `${what}: expected ${storedBytes} bytes, found ${bytes.byteLength}`)
  }
  return { magic: 'OXF1', codec, rawBytes: getUint64(view, 8), storedBytes, crc32: view.getUint32(24, true) }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}
