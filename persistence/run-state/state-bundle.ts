import { checkpointsPrefix, MANIFEST_FILE } from '../checkpoints/checkpoint-layout.ts'
import { InvalidStateBundleError } from './invalid-state-bundle-error.ts'
import { PipelineLiveError } from './pipeline-live-error.ts'
import type { StateStore } from '../stores/state-store.ts'
import { isDamagedBlobError } from '../stores/damaged-blob-error.ts'
import { isRunRecord, type RunRecord } from './run-record.ts'
import { readRunRecord, updateRunRecord } from './run-records.ts'
import { toolOwner } from './lease-health.ts'
import { checkBundleCheckpoints } from './check-bundle-checkpoints.ts'

/**
 * A pipeline's state as one portable JSON file (`oxiflow state export`): its run record and
 * every key of its checkpoints (manifests and blobs, base64), keys relative to the pipeline's
 * checkpoints folder. Holds nothing about the store it came from (no URL, no credentials).
 *
 * @example
 * const bundle: StateBundle = await exportPipelineState(store, 'clicks')
 */
export interface StateBundle {
  readonly format: 1
  readonly kind: 'oxiflow-pipeline-state'
  readonly pipelineId: string
  readonly exportedAt: number
  readonly run: RunRecord | null
  readonly checkpoints: readonly { readonly key: string; readonly base64: string }[]
}

/**
 * Reads a pipeline's run record and checkpoints into a StateBundle. Safe beside a running job:
 * every blob is read before any manifest, and retention (or `checkpoints delete`) deletes a
 * manifest before its blobs — so a manifest read is one whose blobs were read too, and a
 * checkpoint deleted meanwhile leaves at most blobs without a manifest, which are no checkpoint.
 * Read in name order instead, a manifest read just before its checkpoint went landed in the file
 * without the blobs named after it, and `state import` refused the file.
 *
 * @example
 * await writeFile('clicks.state.json', JSON.stringify(await exportPipelineState(store, 'clicks')))
 */
export async function exportPipelineState(store: StateStore, pipelineId: string): Promise<StateBundle> {
  const prefix = checkpointsPrefix(pipelineId)
  const listed = await store.list(prefix)
  const read = new Map<string, Uint8Array>()
  for (const key of [...listed.filter((k) => !k.endsWith(MANIFEST_FILE)), ...listed.filter((k) => k.endsWith(MANIFEST_FILE))]) {
    // A blob the store holds damaged is left out, as one deleted: `state import` then names what its checkpoint lacks.
    const bytes = await store.get(key).catch((e: unknown) => { if (isDamagedBlobError(e)) return undefined; throw e })
    if (bytes !== undefined) read.set(key, bytes)
  }
  // Listed order in the file, whatever the order read.
  const checkpoints = listed.filter((key) => read.has(key)).map((key) => ({ key: key.slice(prefix.length), base64: Buffer.from(read.get(key)!).toString('base64') }))
  return { format: 1, kind: 'oxiflow-pipeline-state', pipelineId, exportedAt: Date.now(), run: (await readRunRecord(store, pipelineId)) ?? null, checkpoints }
}

/**
 * Checks that `value` (a parsed file) is a StateBundle of `pipelineId` (InvalidStateBundleError naming `file` otherwise).
 *
 * @example
 * const bundle = checkStateBundle(JSON.parse(text), 'clicks', 'clicks.state.json')
 */
export function checkStateBundle(value: unknown, pipelineId: string, file: string): StateBundle {
  const b = value as Partial<StateBundle> | null
  if (typeof b !== 'object' || b === null || b.kind !== 'oxiflow-pipeline-state' || b.format !== 1) {
    throw new InvalidStateBundleError(file, 'no "kind": "oxiflow-pipeline-state" with "format": 1')
  }
  if (b.pipelineId !== pipelineId) {
    throw new InvalidStateBundleError(file, `it holds pipeline '${String(b.pipelineId)}', not '${pipelineId}' (checkpoints name their pipeline)`)
  }
  if (!Array.isArray(b.checkpoints) || !b.checkpoints.every((c) => typeof c?.key === 'string' && typeof c.base64 === 'string')) {
    throw new InvalidStateBundleError(file, '"checkpoints" is not a list of { key, base64 }')
  }
  if (b.run !== null && !isRunRecord(b.run)) throw new InvalidStateBundleError(file, '"run" is neither null nor a run record of format 1')
  if (b.run !== null && b.run?.pipelineId !== pipelineId) throw new InvalidStateBundleError(file, `its run record is of pipeline '${String(b.run?.pipelineId)}'`)
  return b as StateBundle
}

/** What an import replaced and wrote. */
export interface ImportReport {
  readonly pipelineId: string
  readonly removedKeys: number
  readonly writtenKeys: number
  readonly checkpointIds: number[]
  readonly runRecord: boolean
}

/**
 * Writes a bundle into `store` as the pipeline's whole state, replacing what it had there —
 * only once every key, manifest and blob of the bundle verified (checkBundleCheckpoints: an
 * InvalidStateBundleError naming `file` leaves the store untouched).
 * Refused (PipelineLiveError) while a live runner holds the pipeline's lease; while importing,
 * this process holds that lease itself, so no runner starts on half-written state, and every
 * write is fenced by it. Manifests are written after their blobs (a manifest is the commit
 * point). An imported run record that says running becomes pending: nothing runs it here yet.
 *
 * @example
 * await importPipelineState(store, checkStateBundle(JSON.parse(text), 'clicks', file))
 */
export async function importPipelineState(store: StateStore, bundle: StateBundle, file = 'the state bundle'): Promise<ImportReport> {
  const id = bundle.pipelineId
  // Everything is checked before the lease is taken and anything deleted: a bad file must not cost the target its checkpoints.
  const keys = await checkBundleCheckpoints(bundle, file)
  const name = `pipelines/${id}/lease`
  const lease = await store.lease(name, toolOwner('import'), 120_000)
  if (!lease) {
    const held = (await store.leases()).find((l) => l.name === name)
    throw new PipelineLiveError(id, 'import state into', held?.owner.runner ?? 'another runner', (held?.expiresAt ?? Date.now()) - Date.now())
  }
  try {
    const fence = { lease: lease.name, token: lease.token }
    const prefix = checkpointsPrefix(id)
    const existing = await store.list(prefix)
    // Manifests first on removal, last on writing: no state in between ever looks committed.
    const manifestsFirst = [...existing].sort((a, b) => Number(b.endsWith(MANIFEST_FILE)) - Number(a.endsWith(MANIFEST_FILE)))
    for (const key of manifestsFirst) await store.delete(key)
    const ordered = [...keys].sort(([a], [b]) => Number(a.endsWith(MANIFEST_FILE)) - Number(b.endsWith(MANIFEST_FILE)))
    for (const [key, bytes] of ordered) await store.put(key, bytes, { fence })
    const run = bundle.run
    // The bundle is the pipeline's whole state: without a run record, the store keeps none either.
    await updateRunRecord(store, id, () => run && { ...run, status: run.status === 'running' ? 'pending' : run.status, runner: null, lease: null })
    const checkpointIds = [...new Set(bundle.checkpoints.filter((c) => c.key.endsWith(MANIFEST_FILE)).map((c) => Number(c.key.split('/')[0])))].sort((a, b) => a - b)
    return { pipelineId: id, removedKeys: existing.length, writtenKeys: bundle.checkpoints.length, checkpointIds, runRecord: run !== null }
  } finally {
    await lease.release()
  }
}
