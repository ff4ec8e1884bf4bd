import { decompressPayload, deserializePayload } from '../codec/decode-snapshot.ts'
import { readBlobHeader } from '../codec/read-blob-header.ts'
import { isCorruptSnapshotError } from '../codec/corrupt-snapshot-error.ts'
import type { StateHolder } from '../state-holder.ts'
import type { StateStore } from '../stores/state-store.ts'
import { blobKeyProblem, blobLocation } from './checkpoint-layout.ts'
import type { BlobProblem } from './checkpoint-reports.ts'
import { readCheckedBlob } from './holder-blob-problem.ts'
import { chainBlobs } from './holder-chain.ts'
import type { Manifest, ManifestHolder } from './manifest.ts'
import { foldChain } from './read-chain-state.ts'

/**
 * Reads the state a holder entry restores to, as readChainState does, but tells what is wrong
 * instead of throwing when a blob of its chain has an invalid key, is missing, damaged or does
 * not decode — in the words of `verify` and `restore: 'latest'` (holderBlobProblem), the link
 * named — so a restore can skip a checkpoint having read each blob once, on the thread that
 * restores it. Anything else (the store failing, a holder's applyChanges throwing) is thrown.
 *
 * @example
 * const r = await readRestorableState(store, manifest, entry, holder)
 * if ('problems' in r) skip(r.problems); else restoreHolder(holder, entry.step, r.state, entry.stateVersion, where)
 */
export async function readRestorableState(store: Pick<StateStore, 'get'>, manifest: Manifest, entry: ManifestHolder,
  holder: Pick<StateHolder, 'applyChanges'>): Promise<{ readonly state: unknown } | { readonly problems: BlobProblem[] }> {
  const read = await Promise.all(chainBlobs(manifest, entry).map(async ({ checkpointId, holder: h }): Promise<{ problem: BlobProblem } | { state: unknown }> => {
    const problem = (text: string): { problem: BlobProblem } => ({ problem: { step: h.step, stateId: h.stateId, ...(h.keyGroups && { keyGroups: h.keyGroups }),
      blob: h.blob, problem: text, ...(checkpointId !== manifest.checkpointId && { link: checkpointId }) } })
    const badKey = blobKeyProblem(manifest.pipelineId, h.blob)
    if (badKey !== undefined) return problem(`invalid blob key: ${badKey}`)
    const where = blobLocation({ pipelineId: manifest.pipelineId, checkpointId }, h)
    const checked = await readCheckedBlob(store, h, where, 'checksum')
    if ('problem' in checked) return problem(checked.problem)
    const { bytes } = checked
    try {
      // Checked above (header against the manifest, payload checksum): decompressed and decoded without a second pass.
      return { state: deserializePayload(await decompressPayload(bytes, readBlobHeader(bytes, where), where), where) }
    } catch (e) {
      if (isCorruptSnapshotError(e)) return problem(`does not decode: ${e.problem}`)
      throw e
    }
  }))
  const problems = read.flatMap((r) => ('problem' in r ? [r.problem] : []))
  if (problems.length > 0) return { problems }
  return { state: foldChain(manifest, entry, holder, read.map((r) => ('state' in r ? r.state : undefined))) }
}
