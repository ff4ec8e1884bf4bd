import { checkNodeVersion } from '../../persistence/checkpoints/check-node-version.ts'
import { blobProblemText, DELETED_WHILE_CHECKED, listingSkipReason, type BlobProblem } from '../../persistence/checkpoints/checkpoint-reports.ts'
import { CorruptCheckpointError } from '../../persistence/checkpoints/corrupt-checkpoint-error.ts'
import type { Manifest } from '../../persistence/checkpoints/manifest.ts'
import type { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { CheckpointParticipant } from './checkpoint-participant.ts'

/** The checkpoint a restore takes (undefined: none is readable) and the newer ones it skipped, with why. */
export interface ChosenCheckpoint {
  readonly manifest: Manifest | undefined
  readonly skipped: Array<{ id: number; reason: string }>
  /** How many of the skipped are damaged (a blob or the manifest), not superseded. */
  readonly damaged: number
}

/**
 * Chooses the checkpoint to restore — the newest not superseded (a later run went back past it)
 * whose manifest reads and whose blobs every host can read, check and decode ('latest'), or the one asked for (CorruptCheckpointError when a
 * blob fails) — with each host reading its own blobs on its own thread, all hosts at once, and
 * keeping the decoded states for the restore (each blob is read and decoded once). A checkpoint
 * written by another Node's serializer is refused (checkNodeVersion) before its blobs are read:
 * they would not decode, and skipping them would start the job from an older checkpoint. The
 * hosts of a skipped checkpoint drop what they read.
 *
 * @example
 * const { manifest, skipped } = await chooseCheckpoint(checkpoints, participants, 'latest')
 */
export async function chooseCheckpoint(checkpoints: PipelineCheckpoints, participants: readonly CheckpointParticipant[], asked: 'latest' | number): Promise<ChosenCheckpoint> {
  if (asked !== 'latest') {
    const manifest = await checkpoints.read(asked)
    checkNodeVersion(manifest)
    const problems = await readOnHosts(participants, manifest)
    // Deleted while the hosts read it (`checkpoints delete`): read() again throws CheckpointNotFoundError, not corruption.
    if (problems.length > 0 && !(await checkpoints.isCommitted(asked))) await checkpoints.read(asked)
    if (problems.length > 0) throw new CorruptCheckpointError(checkpoints.pipelineId, asked, problems)
    return { manifest, skipped: [], damaged: 0 }
  }
  const skipped: Array<{ id: number; reason: string }> = []
  let damaged = 0
  for (const listing of await checkpoints.list()) {
    const reason = listingSkipReason(listing)
    if (reason !== undefined || !listing.ok) {
      skipped.push({ id: listing.id, reason: reason! })
      if (listing.superseded === undefined) damaged++
      continue
    }
    checkNodeVersion(listing.manifest)
    const problems = await readOnHosts(participants, listing.manifest)
    if (problems.length === 0) return { manifest: listing.manifest, skipped, damaged }
    // The manifest read again: a checkpoint deleted while its blobs were read is skipped as deleted, not as damaged.
    const committed = await checkpoints.isCommitted(listing.id)
    skipped.push({ id: listing.id, reason: committed ? problems.map(blobProblemText).join('; ') : DELETED_WHILE_CHECKED })
    if (committed) damaged++
  }
  return { manifest: undefined, skipped, damaged }
}

/** Every host reads its blobs of `manifest` at once; when any fails, all drop what they read. */
async function readOnHosts(participants: readonly CheckpointParticipant[], manifest: Manifest): Promise<BlobProblem[]> {
  try {
    const found = (await Promise.all(participants.map((p) => p.readForRestore(manifest)))).flat()
    if (found.length > 0) await dropReads(participants)
    // Once each: on another parallelism several instances read the same old blob.
    const seen = new Set<string>()
    return found.filter((p) => !seen.has(`${p.blob}\n${p.problem}`) && !!seen.add(`${p.blob}\n${p.problem}`))
  } catch (e) {
    await dropReads(participants).catch(() => undefined)
    throw e
  }
}

/** The hosts drop what readForRestore kept. */
export async function dropReads(participants: readonly CheckpointParticipant[]): Promise<void> {
  await Promise.all(participants.map((p) => p.dropRestoreReads()))
}
