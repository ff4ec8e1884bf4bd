import { decodeSnapshot } from '../codec/decode-snapshot.ts'
import { readBlobHeader } from '../codec/read-blob-header.ts'
import { CorruptSnapshotError } from '../codec/corrupt-snapshot-error.ts'
import { MissingBlobError } from './missing-blob-error.ts'
import type { StateStore } from '../stores/state-store.ts'
import { blobKeyProblem, blobLocation } from './checkpoint-layout.ts'
import type { Manifest, ManifestHolder } from './manifest.ts'

/**
 * Reads and decodes one holder's blob of a committed checkpoint: MissingBlobError when the
 * store lacks it; the codec's CorruptSnapshotError (bad header, truncated, checksum mismatch,
 * or a blob that is not the one the manifest names) naming the checkpoint, step and state id.
 * Does not check versions: the caller decides (checkNodeVersion, checkStateVersion).
 *
 * @example
 * const state = await readHolderState(store, manifest, manifest.holders[0])
 */
export async function readHolderState(store: Pick<StateStore, 'get'>, manifest: Pick<Manifest, 'pipelineId' | 'checkpointId'>, holder: ManifestHolder): Promise<unknown> {
  const where = blobLocation(manifest, holder)
  const badKey = blobKeyProblem(manifest.pipelineId, holder.blob)
  if (badKey !== undefined) throw new CorruptSnapshotError(where, `the manifest names an invalid blob key: ${badKey}`)
  const bytes = await store.get(holder.blob)
  if (bytes === undefined) throw new MissingBlobError(manifest.pipelineId, manifest.checkpointId, holder.step, holder.stateId, holder.blob)
  // The codec checks the blob against its own header; these check it is the blob the
  // manifest names (cheap: no second checksum pass).
  if (bytes.length !== holder.storedBytes) {
    throw new CorruptSnapshotError(where, `${bytes.length < holder.storedBytes ? 'truncated' : 'too long'}: expected ${holder.storedBytes} bytes, found ${bytes.length}`)
  }
  const header = readBlobHeader(bytes, where)
  if (header.crc32 !== holder.crc32) {
    throw new CorruptSnapshotError(where, `checksum mismatch: the blob's header has crc32 ${header.crc32}, the manifest ${holder.crc32}`)
  }
  return decodeSnapshot(bytes, where)
}
