import { deserialize } from 'node:v8'
import { CorruptSnapshotError } from './corrupt-snapshot-error.ts'
import { BLOB_HEADER_BYTES } from './blob-header.ts'
import { compressorFor } from './compressor-for.ts'
import { verifyBlob } from './verify-blob.ts'
import type { BlobHeader } from './codec-name.ts'

/**
 * Verifies a blob (magic, header checksum, length, payload crc32), decompresses it and
 * deserializes it. Every failure is a CorruptSnapshotError naming `where`; a payload that passes
 * its checksum yet fails to decompress or deserialize (written by a broken or newer writer) is
 * one too, with the library's error as `cause`.
 *
 * Typed arrays in the result are views into the decompressed buffer (Node's deserializer does
 * not copy them), or for `none` into `bytes` itself: do not reuse `bytes` after decoding it.
 *
 * @example
 * const state = await decodeSnapshot(bytes, "checkpoint 7 of 'clicks', step 'agg'")
 */
export async function decodeSnapshot(bytes: Uint8Array, where: string): Promise<unknown> {
  return deserializePayload(await decompressSnapshot(bytes, where), where)
}

/**
 * Deserializes a decompressed payload (decompressSnapshot's or decompressPayload's): a
 * CorruptSnapshotError naming `where` when v8 cannot read it.
 *
 * @example
 * const state = deserializePayload(await decompressSnapshot(bytes, where), where)
 */
export function deserializePayload(raw: Uint8Array, where: string): unknown {
  try {
    return deserialize(raw)
  } catch (e) {
    throw new CorruptSnapshotError(where, `v8.deserialize failed (${(e as Error).message}); a blob written by a newer Node cannot be read by an older one`, { cause: e })
  }
}

/**
 * Verifies a blob and decompresses its payload, without deserializing it: the serialized bytes,
 * exactly as long as the header says. A CorruptSnapshotError naming `where` when it is damaged or
 * does not decompress. Far cheaper than decodeSnapshot (measured here: 1M keys in 2 blobs, 17.8 MB
 * serialized, zstd — 0.09 s to decompress, 0.8 s to decode), so `restore: 'latest'` uses it to
 * pick a checkpoint whose blobs its hosts can read.
 *
 * @example
 * const raw = await decompressSnapshot(bytes, "checkpoint 7 of 'clicks', step 'agg'")
 */
export async function decompressSnapshot(bytes: Uint8Array, where: string): Promise<Uint8Array> {
  return decompressPayload(bytes, await verifyBlob(bytes, where), where)
}

/**
 * Decompresses the payload of a blob verifyBlob has checked already (its `header`): one
 * checksum pass per blob where a caller verifies first to tell a damaged blob from one that
 * does not decompress (holderBlobProblem).
 *
 * @example
 * const raw = await decompressPayload(bytes, await verifyBlob(bytes, where), where)
 */
export async function decompressPayload(bytes: Uint8Array, header: BlobHeader, where: string): Promise<Uint8Array> {
  let raw: Uint8Array
  try {
    raw = await compressorFor(header.codec).decompress(bytes.subarray(BLOB_HEADER_BYTES), header.rawBytes)
  } catch (e) {
    throw new CorruptSnapshotError(where, `the ${header.codec} payload does not decompress (${(e as Error).message})`, { cause: e })
  }
  if (raw.byteLength !== header.rawBytes) {
    throw new CorruptSnapshotError(where, `size mismatch: decompressed to ${raw.byteLength} bytes, the header says ${header.rawBytes}`)
  }
  return raw
}
