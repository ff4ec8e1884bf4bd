import { CheckpointNotFoundError } from './checkpoint-not-found-error.ts'
import { CorruptManifestError, isCorruptManifestError } from './corrupt-manifest-error.ts'
import { isDamagedBlobError } from '../stores/damaged-blob-error.ts'
import type { KeyGroupRange } from '../key-group-range.ts'
import type { FenceToken } from '../stores/state-store.ts'
import { blobKey, blobKeyProblem, blobLocation, isCheckpointId, manifestKey, supersededKey } from './checkpoint-layout.ts'
import { blobProblemText, DELETED_WHILE_CHECKED, deletedReport, listingSkipReason, type BlobProblem, type CheckpointListing, type VerifyReport } from './checkpoint-reports.ts'
import type { CheckpointStorage } from './checkpoint-storage.ts'
import { readCheckedBlob, type BlobCheck } from './holder-blob-problem.ts'
import { chainBlobs } from './holder-chain.ts'
import type { Manifest, ManifestContent } from './manifest.ts'
import { decodeManifest, encodeManifest } from './manifest.ts'
import { readStepState } from './read-step-state.ts'
import type { RetainReport } from './retain-checkpoints.ts'
import { retainCheckpoints } from './retain-checkpoints.ts'
import { scanCheckpoints } from './scan-checkpoints.ts'
import { encodeSupersededMarker, supersededReason } from './superseded-marker.ts'
import { checkpointLine } from './checkpoint-line.ts'

/**
 * The checkpoint layer over a store: one pipeline's checkpoints in its CheckpointStorage
 * (`store`; docs/architecture.md, "Checkpoints"). Blobs first, then the manifest with one
 * atomic put — the commit point; a folder without a manifest is not a checkpoint. Reads
 * verify checksums; `retain` deletes manifests before blobs and never a blob a retained manifest
 * references.
 *
 * @example
 * const cs = new PipelineCheckpoints(store, 'clicks')
 * const id = await cs.nextId()
 * const key = await cs.writeBlob(id, 'agg/sum', undefined, await encodeSnapshot(state, 'zstd'), fence)
 * await cs.commit({ ...content, checkpointId: id }, fence)
 */
export class PipelineCheckpoints {
  constructor(readonly store: CheckpointStorage, readonly pipelineId: string) {}

  /** The next checkpoint id: 1 + the highest id with any key (committed or not), 1 if none. */
  async nextId(): Promise<number> {
    const [newest] = await scanCheckpoints(this.store, this.pipelineId)
    return (newest?.id ?? 0) + 1
  }

  /** The ids of the committed checkpoints, newest first, from one `list` of the store (no manifest read). */
  async committedIds(): Promise<number[]> {
    return (await scanCheckpoints(this.store, this.pipelineId)).filter((f) => f.committed).map((f) => f.id)
  }

  /** Writes one holder's encoded snapshot into checkpoint `checkpointId`'s folder; returns its key. */
  async writeBlob(checkpointId: number, stateId: string, keyGroups: KeyGroupRange | undefined, encoded: { bytes: Uint8Array }, fence?: FenceToken): Promise<string> {
    const key = blobKey(this.pipelineId, checkpointId, stateId, keyGroups)
    await this.store.put(key, encoded.bytes, fence === undefined ? undefined : { fence })
    return key
  }

  /**
   * Commits a checkpoint: writes its manifest (checksum added) with one atomic put, fenced by
   * the runner's lease token. Call it only once every blob it names is written.
   */
  async commit(content: ManifestContent, fence?: FenceToken): Promise<Manifest> {
    if (content.pipelineId !== this.pipelineId) {
      throw new RangeError(`commit: the manifest is of pipeline '${content.pipelineId}', this store is for '${this.pipelineId}'`)
    }
    const { bytes, manifest } = encodeManifest(content)
    await this.store.put(manifestKey(this.pipelineId, content.checkpointId), bytes, fence === undefined ? undefined : { fence })
    return manifest
  }

  /** Committed checkpoints, newest first; a corrupt manifest is listed with its problem, a superseded checkpoint with why. */
  async list(): Promise<CheckpointListing[]> {
    const listed: CheckpointListing[] = []
    for (const folder of await scanCheckpoints(this.store, this.pipelineId)) {
      if (!folder.committed) continue
      const key = supersededKey(this.pipelineId, folder.id)
      // A marker the store holds damaged reads as unreadable: still superseded.
      const superseded = folder.superseded ? { superseded: supersededReason(await this.store.get(key).catch(undamaged), key) } : {}
      try {
        listed.push({ id: folder.id, ok: true, manifest: await this.read(folder.id), ...superseded })
      } catch (e) {
        if (isCorruptManifestError(e)) listed.push({ id: folder.id, ok: false, problem: e.problem, error: e, ...superseded })
        else if (!(e instanceof CheckpointNotFoundError)) throw e // else deleted since the scan
      }
    }
    return listed
  }

  /**
   * Called by a run before its first record: marks superseded every committed checkpoint known to
   * be off the line of the one it restored (`restored`; undefined: it starts fresh, and every
   * checkpoint is off its line), and takes the mark off those on it (checkpointLine). Below where
   * the line is known — a manifest written before `previous` existed, an unreadable one, a
   * `previous` deleted — marks stay as they are. Returns the ids it marked. A checkpoint off the
   * line belongs to another output history: a sink that rewinds its target (`sinks.jsonl`
   * truncates to the length a checkpoint recorded), restored from it later, would cut the run's
   * output at an offset of that history. `restore: 'latest'` skips superseded checkpoints and
   * retention does not count them among those it keeps: they are no fallback. One stays
   * restorable by id until retention passes it; restoring it realigns the marks.
   */
  async realign(restored: number | undefined, fence?: FenceToken): Promise<number[]> {
    const listings = await this.list()
    const { ids: line, knownFrom } = restored === undefined ? { ids: new Set<number>(), knownFrom: 0 } : checkpointLine(listings, restored)
    const bytes = encodeSupersededMarker({ by: restored ?? null, time: Date.now() })
    // Marks first, then unmarks: a crash in between leaves a checkpoint marked too many, never one of another line unmarked.
    const marked = listings.filter((c) => c.id >= knownFrom && !line.has(c.id) && c.superseded === undefined).map((c) => c.id)
    for (const id of marked) await this.store.put(supersededKey(this.pipelineId, id), bytes, fence === undefined ? undefined : { fence })
    for (const c of listings) if (line.has(c.id) && c.superseded !== undefined) await this.store.delete(supersededKey(this.pipelineId, c.id))
    return marked
  }

  /** The manifest of a committed checkpoint, checksum verified (CorruptManifestError, CheckpointNotFoundError). */
  async read(checkpointId: number): Promise<Manifest> {
    const key = isCheckpointId(checkpointId) ? manifestKey(this.pipelineId, checkpointId) : undefined
    let bytes: Uint8Array | undefined
    try {
      bytes = key === undefined ? undefined : await this.store.get(key)
    } catch (e) {
      if (isDamagedBlobError(e)) throw new CorruptManifestError(this.pipelineId, checkpointId, key!, `damaged in the store: ${e.problem}`, { cause: e })
      throw e
    }
    if (bytes === undefined || key === undefined) throw await this.notFound(checkpointId)
    return decodeManifest(bytes, this.pipelineId, checkpointId, key)
  }

  /**
   * Verifies the manifest and every blob a restore of it reads (key, present, length, header,
   * checksum, decodes): each holder's own and, for incremental ones, every link of its chain —
   * a broken link is a problem of every checkpoint whose chain holds it. A checkpoint deleted
   * while it was checked (a running job's retention) is reported `deleted`, not corrupt.
   */
  async verify(checkpointId: number): Promise<VerifyReport> {
    let manifest: Manifest
    try {
      manifest = await this.read(checkpointId)
    } catch (e) {
      if (isCorruptManifestError(e)) return { checkpointId, ok: false, manifest: e.problem, problems: [] }
      throw e
    }
    const problems = await this.blobProblems(manifest)
    // Retention and delete remove the manifest before any blob: a blob that went missing after
    // the manifest was read leaves the manifest gone when it is read again. A blob missing with
    // the manifest still there is a broken checkpoint.
    if (problems.length > 0 && !(await this.isCommitted(checkpointId))) return deletedReport(checkpointId)
    return { checkpointId, ok: problems.length === 0, problems }
  }

  /**
   * Whether checkpoint `checkpointId`'s manifest is in the store now: read again, never taken
   * from an earlier listing (a listing of a store may lag behind a delete).
   */
  async isCommitted(checkpointId: number): Promise<boolean> {
    // A manifest the store holds damaged is there all the same.
    return isCheckpointId(checkpointId) && (await this.store.get(manifestKey(this.pipelineId, checkpointId)).catch((e: unknown) => {
      if (isDamagedBlobError(e)) return new Uint8Array(0)
      throw e
    })) !== undefined
  }

  /** The decoded state of one step's holders: `{ [stateId]: state }` (see readStepState). */
  async readState(checkpointId: number, step: string): Promise<Record<string, unknown>> {
    return readStepState(this.store, await this.read(checkpointId), step)
  }

  /**
   * Deletes a committed checkpoint: its manifest first, then its folder's keys and the blobs it
   * references elsewhere that no other committed manifest references (all are kept while some
   * other manifest is unreadable: what it references is unknown; retain sweeps them later).
   */
  async delete(checkpointId: number): Promise<void> {
    const folders = await scanCheckpoints(this.store, this.pipelineId)
    const folder = folders.find((f) => f.id === checkpointId && f.committed)
    if (!folder) throw await this.notFound(checkpointId)
    const own = (await this.referencedBlobs([checkpointId])) ?? new Set<string>()
    const others = folders.filter((f) => f.committed && f.id !== checkpointId).map((f) => f.id)
    const referenced = await this.referencedBlobs(others)
    const key = manifestKey(this.pipelineId, checkpointId)
    await this.store.delete(key)
    if (referenced === undefined) return
    // Only keys of this pipeline's checkpoints: a manifest naming a key elsewhere must not delete it.
    const mine = [...own].filter((blob) => blobKeyProblem(this.pipelineId, blob) === undefined)
    for (const blob of new Set([...folder.keys, ...mine])) if (blob !== key && !referenced.has(blob)) await this.store.delete(blob)
  }

  /** Keeps the newest `keep` committed checkpoints that are not superseded and deletes older ones (see retainCheckpoints). */
  retain(keep = 3): Promise<RetainReport> {
    return retainCheckpoints(this, keep)
  }

  /**
   * The newest checkpoint not superseded whose manifest and blobs all verify, chains included (blobs
   * decompressed, not deserialized: see holderBlobProblem), and the newer ones skipped with the
   * reason (a broken link names the checkpoint that wrote it). `checkpoint` is undefined when none verifies (or there are none).
   */
  async latestValid(): Promise<{ checkpoint: Manifest | undefined; skipped: Array<{ id: number; reason: string }> }> {
    const skipped: Array<{ id: number; reason: string }> = []
    for (const listing of await this.list()) {
      const reason = listingSkipReason(listing)
      if (reason !== undefined || !listing.ok) {
        skipped.push({ id: listing.id, reason: reason! })
        continue
      }
      const problems = await this.blobProblems(listing.manifest, 'decompress')
      if (problems.length === 0) return { checkpoint: listing.manifest, skipped }
      skipped.push({ id: listing.id, reason: await this.isCommitted(listing.id) ? problems.map(blobProblemText).join('; ') : DELETED_WHILE_CHECKED })
    }
    return { checkpoint: undefined, skipped }
  }

  /**
   * Every blob key the given committed checkpoints' manifests reference, or undefined when one
   * of them cannot be read (then what it references is unknown). Used by delete and retain.
   */
  async referencedBlobs(checkpointIds: readonly number[]): Promise<Set<string> | undefined> {
    const keys = new Set<string>()
    for (const id of checkpointIds) {
      try {
        for (const h of (await this.read(id)).holders) {
          keys.add(h.blob)
          for (const link of h.chain ?? []) keys.add(link.blob)
        }
      } catch (e) {
        if (isCorruptManifestError(e)) return undefined
        if (!(e instanceof CheckpointNotFoundError)) throw e
      }
    }
    return keys
  }

  private async blobProblems(manifest: Manifest, check: BlobCheck = 'decode'): Promise<BlobProblem[]> {
    const problems: BlobProblem[] = []
    for (const entry of manifest.holders) {
      for (const { checkpointId, holder: h } of chainBlobs(manifest, entry)) {
        // A key outside this pipeline's checkpoints is a problem of this checkpoint, not a store error that aborts the scan.
        const badKey = blobKeyProblem(this.pipelineId, h.blob)
        const where = blobLocation({ pipelineId: this.pipelineId, checkpointId }, h)
        const checked = badKey !== undefined ? { problem: `invalid blob key: ${badKey}` } : await readCheckedBlob(this.store, h, where, check)
        if ('problem' in checked) {
          const { problem } = checked
          problems.push({ step: h.step, stateId: h.stateId, ...(h.keyGroups ? { keyGroups: h.keyGroups } : {}), blob: h.blob, problem,
            ...(checkpointId !== manifest.checkpointId && { link: checkpointId }) })
        }
      }
    }
    return problems
  }

  private async notFound(checkpointId: number): Promise<CheckpointNotFoundError> {
    const committed = (await scanCheckpoints(this.store, this.pipelineId)).filter((f) => f.committed).map((f) => f.id)
    return new CheckpointNotFoundError(this.pipelineId, checkpointId, this.store.describe(), committed)
  }
}

/** A store read's error handler: a blob the store holds damaged reads as missing (undefined); any other error is thrown. */
function undamaged(e: unknown): undefined {
  if (isDamagedBlobError(e)) return undefined
  throw e
}
