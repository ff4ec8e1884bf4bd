import type { KeyGroupRange } from '../key-group-range.ts'
import { isInvalidStoreKeyError } from '../stores/invalid-store-key-error.ts'
import { checkStoreKey } from '../stores/check-store-key.ts'

/**
 * Where checkpoints live in a store. Part of the stored format:
 *
 * ```
 * pipelines/<pipelineId>/checkpoints/<n, zero-padded to 10>/manifest.json
 * pipelines/<pipelineId>/checkpoints/<n, zero-padded to 10>/<stateId, '/' → '~'>[.<start>-<end>].blob
 * pipelines/<pipelineId>/checkpoints/<n, zero-padded to 10>/superseded.json
 * ```
 *
 * `superseded.json` marks a committed checkpoint off the line of a later run (see
 * PipelineCheckpoints.realign).
 *
 * Zero padding makes the store's sorted `list` sort checkpoints by id. Readers never rebuild a
 * blob key: they take it from the manifest, which may also reference a blob of an older
 * checkpoint. Run records, leases and temp files live outside `checkpoints/`.
 *
 * @example
 * manifestKey('clicks', 7) // 'pipelines/clicks/checkpoints/0000000007/manifest.json'
 */
export const MANIFEST_FILE = 'manifest.json'

/** The marker of a checkpoint off the line of a later run (see PipelineCheckpoints.realign). */
export const SUPERSEDED_FILE = 'superseded.json'

/** Checkpoint ids are positive integers below 10^10 (ten digits). */
const MAX_ID = 9_999_999_999

/**
 * True when `id` can be a checkpoint id: an integer from 1 to 9999999999.
 *
 * @example
 * isCheckpointId(7) // true; isCheckpointId(0) // false
 */
export function isCheckpointId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID
}

/**
 * The prefix every checkpoint key of a pipeline starts with.
 *
 * @example
 * checkpointsPrefix('clicks') // 'pipelines/clicks/checkpoints/'
 */
export function checkpointsPrefix(pipelineId: string): string {
  return `pipelines/${pipelineId}/checkpoints/`
}

/**
 * The folder (key prefix, ending in '/') of one checkpoint.
 *
 * @example
 * checkpointFolder('clicks', 7) // 'pipelines/clicks/checkpoints/0000000007/'
 */
export function checkpointFolder(pipelineId: string, checkpointId: number): string {
  if (!isCheckpointId(checkpointId)) {
    throw new RangeError(`checkpoint id ${checkpointId} is invalid: checkpoint ids are integers from 1 to ${MAX_ID}`)
  }
  return `${checkpointsPrefix(pipelineId)}${String(checkpointId).padStart(10, '0')}/`
}

/**
 * The key of a checkpoint's manifest (the commit point).
 *
 * @example
 * manifestKey('clicks', 7) // 'pipelines/clicks/checkpoints/0000000007/manifest.json'
 */
export function manifestKey(pipelineId: string, checkpointId: number): string {
  return checkpointFolder(pipelineId, checkpointId) + MANIFEST_FILE
}

/**
 * The key of a checkpoint's superseded marker.
 *
 * @example
 * supersededKey('clicks', 7) // 'pipelines/clicks/checkpoints/0000000007/superseded.json'
 */
export function supersededKey(pipelineId: string, checkpointId: number): string {
  return checkpointFolder(pipelineId, checkpointId) + SUPERSEDED_FILE
}

/**
 * The key of one holder's blob (per key-group range for keyed holders).
 *
 * @example
 * blobKey('clicks', 7, 'win/buf', { start: 0, end: 63 }) // 'pipelines/clicks/checkpoints/0000000007/win~buf.0-63.blob'
 */
export function blobKey(pipelineId: string, checkpointId: number, stateId: string, keyGroups?: KeyGroupRange): string {
  const range = keyGroups === undefined ? '' : `.${keyGroups.start}-${keyGroups.end}`
  return `${checkpointFolder(pipelineId, checkpointId)}${stateId.replaceAll('/', '~')}${range}.blob`
}

/**
 * The checkpoint id a key lies under, or undefined for a key outside any checkpoint folder.
 *
 * @example
 * checkpointIdOfKey('clicks', 'pipelines/clicks/checkpoints/0000000007/manifest.json') // 7
 */
export function checkpointIdOfKey(pipelineId: string, key: string): number | undefined {
  const prefix = checkpointsPrefix(pipelineId)
  if (!key.startsWith(prefix)) return undefined
  const match = /^(\d{10})\//.exec(key.slice(prefix.length))
  const id = match ? Number(match[1]) : 0
  return id >= 1 ? id : undefined
}

/**
 * Where a holder's blob is, for messages: checkpoint, pipeline, state id, step and key.
 *
 * @example
 * blobLocation(manifest, holder) // "checkpoint 7 of pipeline 'clicks', state 'agg/sum' of step 'agg' (pipelines/clicks/…/agg~sum.blob)"
 */
export function blobLocation(manifest: { pipelineId: string; checkpointId: number }, holder: { stateId: string; step: string; blob: string }): string {
  return `checkpoint ${manifest.checkpointId} of pipeline '${manifest.pipelineId}', state '${holder.stateId}' of step '${holder.step}' (${holder.blob})`
}

/**
 * What makes `key` unfit as a blob key of pipeline `pipelineId`'s manifests, or undefined when
 * it is fit: a valid store key (no empty, '.' or '..' segment), inside one checkpoint folder of
 * this pipeline, naming a `.blob`. A manifest whose checksum holds can still name another key (a
 * broken writer, a hand-edited import): reading it would fail in the store, or read outside the
 * pipeline's checkpoints.
 *
 * @example
 * blobKeyProblem('clicks', 'pipelines/clicks/checkpoints/../../x') // "it is not inside pipeline 'clicks''s checkpoint folders (…)"
 */
export function blobKeyProblem(pipelineId: string, key: string): string | undefined {
  if (typeof key !== 'string') return `it is a ${typeof key}, not a string`
  try {
    checkStoreKey(key)
  } catch (e) {
    if (!isInvalidStoreKeyError(e)) throw e
    return `not a valid store key: ${e.problem}`
  }
  const prefix = checkpointsPrefix(pipelineId)
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : ''
  if (!/^\d{10}\/[^/]+\.blob$/.test(rest) || checkpointIdOfKey(pipelineId, key) === undefined) {
    return `it is not a .blob inside pipeline '${pipelineId}''s checkpoint folders (${prefix}<10-digit id>/<name>.blob)`
  }
  return undefined
}
