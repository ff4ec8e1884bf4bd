import { CorruptSnapshotError } from './corrupt-snapshot-error.ts'
import { BLOB_HEADER_BYTES } from './blob-header.ts'
import type { BlobHeader } from './codec-name.ts'
import { crc32 } from './crc32.ts'
import { readBlobHeader } from './read-blob-header.ts'

/**
 * Checks a blob without decompressing or deserializing it: header, length and the payload's
 * checksum. Cheap (crc32 runs at several GB/s), so `oxiflow checkpoints verify` can check every
 * blob of a checkpoint.
 *
 * @example
 * await verifyBlob(bytes, "checkpoint 7 of 'clicks', step 'agg'") // throws CorruptSnapshotError when damaged
 */
export async function verifyBlob(bytes: Uint8Array, where: string): Promise<BlobHeader> {
  const header = readBlobHeader(bytes, where)
  const found = crc32(bytes.subarray(BLOB_HEADER_BYTES))
  if (found !== header.crc32) throw new CorruptSnapshotError(where, `checksum mismatch: expected crc32 ${header.crc32}, found ${found}`)
  return header
}
