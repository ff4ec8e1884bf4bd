import type { CorruptManifestError } from './corrupt-manifest-error.ts'
import type { KeyGroupRange } from '../key-group-range.ts'
import type { Manifest } from './manifest.ts'

/**
 * One committed checkpoint as `list()` sees it: its manifest, or the problem that makes its
 * manifest unreadable; `superseded` says why 'latest' no longer restores it, when it is off the
 * line of a later run (see PipelineCheckpoints.realign).
 *
 * @example
 * for (const c of await cs.list()) console.log(c.id, c.ok ? c.manifest.time : c.problem, c.superseded ?? '')
 */
export type CheckpointListing =
  | { readonly id: number; readonly ok: true; readonly manifest: Manifest; readonly superseded?: string }
  | { readonly id: number; readonly ok: false; readonly problem: string; readonly error: CorruptManifestError; readonly superseded?: string }

/**
 * Why `restore: 'latest'` skips a listed checkpoint before reading its blobs — superseded, or its
 * manifest unreadable — or undefined when its blobs decide.
 *
 * @example
 * listingSkipReason({ id: 7, ok: false, problem: 'not JSON', error }) // 'corrupt manifest: not JSON'
 */
export function listingSkipReason(listing: CheckpointListing): string | undefined {
  if (listing.superseded !== undefined) return listing.superseded
  return listing.ok ? undefined : `corrupt manifest: ${listing.problem}`
}

/**
 * Why `restore: 'latest'` skipped a checkpoint deleted while its blobs were checked (its
 * manifest gone when read again): no corruption, and no checkpoint to restore.
 *
 * @example
 * skipped.push({ id: 7, reason: DELETED_WHILE_CHECKED })
 */
export const DELETED_WHILE_CHECKED = 'deleted while its blobs were checked (retention or checkpoints delete), not corrupt'

/**
 * A problem with one holder's blob, naming the step and state id; `link` is the checkpoint that
 * wrote the blob when it is a link of an incremental holder's chain (an older checkpoint's blob).
 *
 * @example
 * const p: BlobProblem = { step: 'agg', stateId: 'agg/sum', blob: 'pipelines/p/checkpoints/0000000007/agg~sum.blob', problem: 'missing' }
 */
export interface BlobProblem {
  readonly step: string
  readonly stateId: string
  readonly keyGroups?: KeyGroupRange
  readonly blob: string
  readonly problem: string
  readonly link?: number
}

/**
 * The result of verifying one checkpoint: `manifest` is set when the manifest itself is corrupt
 * (then its blobs cannot be checked); `problems` lists the blobs that fail. `deleted` is set
 * when the checkpoint was deleted while it was verified (a running job's retention, `checkpoints
 * delete`): its manifest was there when the verify began and gone once it looked again, so what
 * it found missing says nothing of a committed checkpoint; `ok` is then true and `problems`
 * empty. `ok` is false only for a checkpoint that is still committed and bad.
 *
 * @example
 * const r = await cs.verify(7); if (!r.ok) console.error(r.manifest ?? r.problems)
 */
export interface VerifyReport {
  readonly checkpointId: number
  readonly ok: boolean
  readonly manifest?: string
  readonly problems: readonly BlobProblem[]
  readonly deleted?: true
}

/**
 * The report of a checkpoint deleted while it was verified (see VerifyReport.deleted).
 *
 * @example
 * deletedReport(7) // { checkpointId: 7, ok: true, problems: [], deleted: true }
 */
export function deletedReport(checkpointId: number): VerifyReport {
  return { checkpointId, ok: true, problems: [], deleted: true }
}

/**
 * A blob problem as `restore: 'latest'` gives it in a skipped checkpoint's reason: the state,
 * the key groups of a keyed holder's blob, and the checkpoint that wrote it when it is a link of a chain.
 *
 * @example
 * blobProblemText({ step: 'agg', stateId: 'agg/sum', keyGroups: { start: 0, end: 63 }, blob, problem: 'missing', link: 6 })
 * // "state 'agg/sum' of step 'agg', key groups 0-63 (its chain's blob of checkpoint 6): missing"
 */
export function blobProblemText(p: BlobProblem): string {
  return `state '${p.stateId}' of step '${p.step}'${p.keyGroups === undefined ? '' : `, key groups ${p.keyGroups.start}-${p.keyGroups.end}`}` +
    `${p.link === undefined ? '' : ` (its chain's blob of checkpoint ${p.link})`}: ${p.problem}`
}
