import type { ChainLink, Manifest, ManifestHolder } from './manifest.ts'

/**
 * The link a holder's own blob makes in a chain: what a later 'changes' entry lists to apply
 * on top of it (`checkpointId`: the checkpoint whose manifest holds `holder`).
 *
 * @example
 * const next = [...(h.chain ?? []), linkOf(7, h)] // the chain of the holder's changes at checkpoint 8
 */
export function linkOf(checkpointId: number, holder: ManifestHolder): ChainLink {
  return {
    checkpointId, snapshot: holder.snapshot ?? 'full', blob: holder.blob, codec: holder.codec, crc32: holder.crc32,
    rawBytes: holder.rawBytes, storedBytes: holder.storedBytes,
  }
}

/**
 * Every blob a restore of `holder` reads, oldest first: its chain's links, then its own blob
 * (one link for a full snapshot). Each as the holder entry that link would be, so the readers
 * and checks written for one blob (readHolderState, holderBlobProblem) take it as it is, and
 * the checkpoint that wrote it.
 *
 * @example
 * for (const { checkpointId, holder: link } of chainBlobs(manifest, h)) await readHolderState(store, { ...manifest, checkpointId }, link)
 */
export function chainBlobs(manifest: Pick<Manifest, 'checkpointId'>, holder: ManifestHolder): Array<{ checkpointId: number; holder: ManifestHolder }> {
  const links = holder.snapshot === 'changes' ? [...(holder.chain ?? []), linkOf(manifest.checkpointId, holder)] : [linkOf(manifest.checkpointId, holder)]
  const { chain: _, ...entry } = holder
  return links.map((l) => ({
    checkpointId: l.checkpointId,
    holder: { ...entry, snapshot: l.snapshot, blob: l.blob, codec: l.codec, crc32: l.crc32, rawBytes: l.rawBytes, storedBytes: l.storedBytes },
  }))
}

/**
 * The stored bytes a restore of `holder` reads beyond its own blob (its chain's links; 0 for a
 * full snapshot).
 *
 * @example
 * chainBytes(h) // 1000 + 40 + 52
 */
export function chainBytes(holder: ManifestHolder): number {
  return (holder.chain ?? []).reduce((n, l) => n + l.storedBytes, 0)
}
