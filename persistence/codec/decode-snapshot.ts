import { crc32 } from 'node:zlib'
import { deserialize } from 'node:v8'
import { CorruptSnapshotError } from '../errors/corrupt-snapshot-error.ts'
import { HEADER_BYTES, readBlobHeader } from './blob-header.ts'
import type { BlobHeader } from './codec-name.ts'
import { COMPRESSORS } from './compressors.ts'

/**
 * Checks a blob without deserializing it: header, length and the payload's checksum.
 *
 * @example
 * await verifyBlob(bytes, 'checkpoint 7, step agg') // throws CorruptSnapshotError when damaged
 */
export async function verifyBlob(bytes: Uint8Array, where: string): Promise<BlobHeader> {
  const header = readBlobHeader(bytes, where)
  const found = crc32(bytes.subarray(HEADER_BYTES))
  if (found !== header.crc32) throw new CorruptSnapshotError(where, `checksum mismatch: expected ${header.crc32}, found ${found}`)
  return header
}

/**
 * Verifies, decompresses and deserializes a snapshot blob.
 *
 * @example
 * const state = await decodeSnapshot(bytes, 'checkpoint 7, step agg')
 */
export async function decodeSnapshot(bytes: Uint8Array, where: string): Promise<unknown> {
  const header = await verifyBlob(bytes, where)
  const raw = await COMPRESSORS[header.codec].decompress(bytes.subarray(HEADER_BYTES), header.rawBytes)
  if (raw.byteLength !== header.rawBytes) {
    throw new CorruptSnapshotError(where, `decompressed to ${raw.byteLength} bytes, the header says ${header.rawBytes}`)
  }
  return deserialize(raw)
}
