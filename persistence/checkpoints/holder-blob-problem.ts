import type { BlobHeader } from '../codec/codec-name.ts'
import { decompressPayload, deserializePayload } from '../codec/decode-snapshot.ts'
import { readBlobHeader } from '../codec/read-blob-header.ts'
import { verifyBlob } from '../codec/verify-blob.ts'
import { isCorruptSnapshotError } from '../codec/corrupt-snapshot-error.ts'
import type { ManifestHolder } from './manifest.ts'
import type { StateStore } from '../stores/state-store.ts'
import { isDamagedBlobError } from '../stores/damaged-blob-error.ts'

/**
 * How far holderBlobProblem checks a blob: its header and checksum, also that it decompresses,
 * or also that it deserializes.
 *
 * @example
 * const check: BlobCheck = 'decompress'
 */
export type BlobCheck = 'checksum' | 'decompress' | 'decode'

/**
 * What is wrong with a holder's blob as its manifest describes it, or undefined when it is
 * sound: `missing`; `truncated: expected N bytes, found M` (or `too long`) against the
 * manifest's `storedBytes`; a bad header or `checksum mismatch` from the codec; a blob whose
 * header disagrees with the manifest (another checkpoint's blob under this key); or a payload
 * that passes its checksum yet does not decompress (`check` 'decompress') or also does not
 * deserialize ('decode', the default) — `does not decode: …`, a broken or newer writer — so
 * `verify` and `restore: 'latest'` find what a restore would fail on before any holder is
 * touched. `latest` decompresses only: deserializing every blob on the main thread before the
 * hosts do it again cost 0.8 s per 1M keys, decompressing 0.09 s (measured). Only CorruptSnapshotError is turned into
 * a problem: any other error (the store failing) is thrown.
 *
 * @example
 * holderBlobProblem(await store.get(h.blob), h, where) // 'checksum mismatch' | undefined
 */
export async function holderBlobProblem(bytes: Uint8Array | undefined, holder: ManifestHolder, where: string, check: BlobCheck = 'decode'): Promise<string | undefined> {
  if (bytes === undefined) return 'missing'
  if (bytes.length !== holder.storedBytes) {
    return `${bytes.length < holder.storedBytes ? 'truncated' : 'too long'}: expected ${holder.storedBytes} bytes, found ${bytes.length}`
  }
  let header: BlobHeader
  try {
    header = readBlobHeader(bytes, where)
  } catch (e) {
    if (isCorruptSnapshotError(e)) return `bad header: ${e.message}`
    throw e
  }
  if (header.crc32 !== holder.crc32) return `checksum mismatch: the blob's header has crc32 ${header.crc32}, the manifest ${holder.crc32}`
  if (header.codec !== holder.codec) return `codec mismatch: the blob's header says ${header.codec}, the manifest ${holder.codec}`
  if (header.rawBytes !== holder.rawBytes) return `size mismatch: the blob's header says ${header.rawBytes} raw bytes, the manifest ${holder.rawBytes}`
  let verified: BlobHeader
  try {
    verified = await verifyBlob(bytes, where)
  } catch (e) {
    // The length and the header agree with the manifest, so what fails is the payload.
    if (isCorruptSnapshotError(e)) return 'checksum mismatch'
    throw e
  }
  if (check === 'checksum') return undefined
  try {
    // Decoded and dropped: a restore decodes again on the thread that owns the holder. The
    // payload is not checksummed a second time.
    const raw = await decompressPayload(bytes, verified, where)
    if (check === 'decode') deserializePayload(raw, where)
  } catch (e) {
    if (isCorruptSnapshotError(e)) return `does not decode: ${e.problem}`
    throw e
  }
  return undefined
}

/**
 * Reads a holder's blob from `store` and checks it (holderBlobProblem): its bytes when sound,
 * otherwise the problem — a blob the store holds damaged (DamagedBlobError: a Redis blob whose
 * chunks are gone) is `damaged in the store: …`, a problem of its checkpoint like a checksum
 * mismatch, not a store failure that ends the scan. Other store errors are thrown.
 *
 * @example
 * const r = await readCheckedBlob(store, h, where, 'checksum'); if ('problem' in r) skip(r.problem)
 */
export async function readCheckedBlob(store: Pick<StateStore, 'get'>, holder: ManifestHolder, where: string,
  check: BlobCheck = 'decode'): Promise<{ readonly bytes: Uint8Array } | { readonly problem: string }> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await store.get(holder.blob)
  } catch (e) {
    if (isDamagedBlobError(e)) return { problem: `damaged in the store: ${e.problem}` }
    throw e
  }
  const problem = await holderBlobProblem(bytes, holder, where, check)
  return problem === undefined ? { bytes: bytes! } : { problem }
}
