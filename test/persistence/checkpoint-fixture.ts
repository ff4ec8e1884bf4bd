// Writes checkpoints the way the coordinator will: blobs in the registry's write order, then
// the manifest. Shared by the checkpoint-*.test.ts files.
import type { CodecName } from '../../persistence/codec/codec-name.ts'
import { encodeSnapshot } from '../../persistence/codec/encode-snapshot.ts'
import type { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { Manifest, ManifestHolder } from '../../persistence/checkpoints/manifest.ts'
import type { KeyGroupRange as KeyGroupSpan } from '../../persistence/key-group-range.ts'
import { HolderRegistry } from '../../persistence/registry/holder-registry.ts'
import type { FenceToken } from '../../persistence/stores/state-store.ts'

export interface FixtureHolder {
  stateId: string
  state: unknown
  stateVersion?: string
  dependsOn?: string[]
  keyGroups?: KeyGroupSpan
}

export interface FixtureOptions {
  codec?: CodecName
  fence?: FenceToken
  nodeVersion?: string
  /** Holders whose blob is not written: the manifest references this key instead. */
  reuse?: Record<string, string>
  dataflow?: Array<[string, string]>
  /** The manifest's `previous` (absent: left out, as in manifests written before it existed). */
  previous?: number | null
}

/** Writes blobs then commits checkpoint `await cs.nextId()`; returns its manifest. */
export async function writeCheckpoint(cs: CheckpointStore, holders: FixtureHolder[], options: FixtureOptions = {}): Promise<Manifest> {
  const codec = options.codec ?? 'zstd'
  const id = await cs.nextId()
  const registry = new HolderRegistry(holders.map((h) => ({
    stateId: h.stateId, step: h.stateId.split('/')[0]!, stateVersion: h.stateVersion ?? '1.0.0', dependsOn: h.dependsOn ?? [],
    ...(h.keyGroups ? { keyGroups: h.keyGroups } : {}),
  })), options.dataflow ?? [])
  const written: ManifestHolder[] = []
  for (const entry of registry.writeOrder()) {
    const h = holders.find((x) => x.stateId === entry.stateId && x.keyGroups?.start === entry.keyGroups?.start)!
    const encoded = await encodeSnapshot(h.state, codec)
    const reused = options.reuse?.[h.stateId]
    const blob = reused ?? await cs.writeBlob(id, h.stateId, h.keyGroups, encoded, options.fence)
    written.push({
      stateId: entry.stateId, step: entry.step, type: 'test', stateVersion: entry.stateVersion, codec,
      rawBytes: encoded.rawBytes, storedBytes: encoded.bytes.length, crc32: encoded.crc32, dependsOn: [...entry.dependsOn],
      level: registry.level(entry.stateId)!, ...(entry.keyGroups ? { keyGroups: entry.keyGroups } : {}), blob,
    })
  }
  return cs.commit({
    format: 1, pipelineId: cs.pipelineId, checkpointId: id, time: 1_700_000_000_000 + id, nodeVersion: options.nodeVersion ?? process.version,
    codec, sources: { src: { offset: id * 10 } }, holders: written, ...(options.previous !== undefined && { previous: options.previous }),
  }, options.fence)
}

/** A copy of `bytes` with the byte at `index` flipped. */
export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(bytes)
  copy[index] = copy[index]! ^ 0xff
  return copy
}
