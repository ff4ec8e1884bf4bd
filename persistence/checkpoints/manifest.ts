import { crc32 } from 'node:zlib'
import type { CodecName } from '../codec/codec-name.ts'
import { CorruptManifestError } from './corrupt-manifest-error.ts'
import type { KeyGroupRange } from '../key-group-range.ts'
import { endedProblem, holdersProblem, maxKeyGroupsProblem, previousProblem, sourcesProblem } from './manifest-problems.ts'

/**
 * What a manifest records of one holder's snapshot. `storedBytes` is the blob's length in the
 * store (header included), `crc32` the checksum in the blob's header, `blob` the blob's key
 * (possibly in an older checkpoint's folder), `level` its restore level. A runner also writes
 * where the snapshot came from — `instance` of `parallelism` instances of the step, `keyed`
 * state (split by `keyGroups`) or not — which a restore with another parallelism needs; a
 * manifest written otherwise (by hand, by tests) may lack them, then its state restores only
 * by key group or through a holder's `rescale`.
 *
 * @example
 * const h: ManifestHolder = { stateId: 'agg/sum', step: 'agg', type: 'aggregate', stateVersion: '1.0.0', codec: 'zstd',
 *   rawBytes: 120, storedBytes: 64, crc32: 123456, dependsOn: [], level: 1, blob: 'pipelines/p/checkpoints/0000000007/agg~sum.blob',
 *   keyGroups: { start: 0, end: 63 }, keyed: true, instance: 0, parallelism: 2 }
 */
export interface ManifestHolder {
  stateId: string
  step: string
  type: string
  stateVersion: string
  codec: CodecName
  rawBytes: number
  storedBytes: number
  crc32: number
  dependsOn: string[]
  level: number
  keyGroups?: KeyGroupRange
  blob: string
  /** True when the state is a `Map<KeyGroup, S>` (see StateHolder.keyed). */
  keyed?: boolean
  /** The index of the step's instance that took the snapshot, below `parallelism`; written with it. */
  instance?: number
  /** How many instances the step had when the snapshot was taken; written with `instance`. */
  parallelism?: number
  /**
   * What `blob` holds: the holder's whole state ('full'; also when absent, as in manifests
   * written before incremental checkpoints), or only what changed since the last link of `chain`
   * ('changes', from StateHolder.snapshotChanges).
   */
  snapshot?: 'full' | 'changes'
  /** With 'changes': the blobs it applies on top of, oldest first; the first is a full one. */
  chain?: ChainLink[]
}

/**
 * One blob of an incremental holder's chain, as the manifest that needs it records it: the
 * checkpoint that wrote it and what a reader checks it against.
 *
 * @example
 * const link: ChainLink = { checkpointId: 5, snapshot: 'full', blob: 'pipelines/p/checkpoints/0000000005/agg~sum.0-63.blob',
 *   codec: 'zstd', crc32: 123456, rawBytes: 5200, storedBytes: 1000 }
 */
export interface ChainLink {
  checkpointId: number
  snapshot: 'full' | 'changes'
  blob: string
  codec: CodecName
  crc32: number
  rawBytes: number
  storedBytes: number
}

/**
 * Where each source was when the checkpoint's barrier was injected: `cuts`, by source vertex
 * id, the sequence number of the next batch read after the barrier (a runner writes it; a
 * manifest written otherwise may hold other JSON values, which restores ignore).
 *
 * @example
 * const sources: ManifestSources = { cuts: { 0: 42 } }
 */
export interface ManifestSources {
  cuts?: Record<number, number>
  [other: string]: unknown
}

/**
 * The instances of one step that had ended — input exhausted, end run (an Oxi's `onEnd`, the
 * last windows fired) — before a checkpoint's barrier, and how many instances the step had.
 *
 * @example
 * const e: EndedStep = { parallelism: 2, instances: [0, 1] }
 */
export interface EndedStep {
  parallelism: number
  instances: number[]
}

/**
 * A committed checkpoint: written last, with one atomic put — the commit point. `sources` holds
 * where the sources were (ManifestSources); `ended`, by step name, the instances that had ended before
 * the barrier (absent in manifests written before it existed: nothing had ended); `checksum` is
 * the crc32 of the manifest's JSON without the checksum field.
 *
 * @example
 * const m = await checkpointStore.read(7); m.holders.map((h) => h.stateId)
 */
export interface Manifest {
  format: 1
  pipelineId: string
  checkpointId: number
  time: number
  nodeVersion: string
  codec: CodecName
  sources: ManifestSources
  holders: ManifestHolder[]
  ended?: Record<string, EndedStep>
  /**
   * The checkpoint whose state this one continues — the run's previous commit, or the checkpoint
   * the run restored — or null when the run started fresh: a pipeline's checkpoints form a tree,
   * and a restore's line is the path from its checkpoint back along `previous`
   * (PipelineCheckpoints.realign). Absent in manifests written before it existed: below such a
   * checkpoint its line is unknown (checkpointLine).
   */
  previous?: number | null
  /**
   * The run's maxKeyGroups: keyed state is stored by key group, so a restore under another value
   * is refused before any blob is read (KeyGroupsChangedError). Absent in manifests written
   * before it existed.
   */
  maxKeyGroups?: number
  checksum: number
}

/**
 * A manifest before its checksum is computed.
 *
 * @example
 * const content: ManifestContent = { format: 1, pipelineId: 'p', checkpointId: 1, time: Date.now(), nodeVersion: process.version, codec: 'zstd', sources: {}, holders: [] }
 */
export type ManifestContent = Omit<Manifest, 'checksum'>

/**
 * The crc32 of the manifest's compact JSON without its checksum field.
 *
 * @example
 * manifestChecksum(content) // 2882656334
 */
export function manifestChecksum(content: ManifestContent | Manifest): number {
  const { checksum: _, ...rest } = content as Manifest
  return crc32(JSON.stringify(rest))
}

/**
 * The manifest as stored (pretty JSON, checksum last) and as readers will see it.
 *
 * @example
 * const { bytes, manifest } = encodeManifest(content)
 */
export function encodeManifest(content: ManifestContent): { bytes: Uint8Array; manifest: Manifest } {
  const { checksum: _, ...rest } = content as Manifest
  const json = JSON.stringify({ ...rest, checksum: manifestChecksum(rest) }, null, 2)
  return { bytes: new TextEncoder().encode(json), manifest: JSON.parse(json) as Manifest }
}

/**
 * Parses and checks a stored manifest: JSON, its checksum, that it belongs to this pipeline and
 * checkpoint, and every field its type declares (manifest-problems.ts). Throws
 * CorruptManifestError naming the checkpoint, the field and the problem.
 *
 * @example
 * decodeManifest(bytes, 'clicks', 7, key).holders
 */
export function decodeManifest(bytes: Uint8Array, pipelineId: string, checkpointId: number, key: string): Manifest {
  const corrupt = (problem: string, cause?: unknown) => new CorruptManifestError(pipelineId, checkpointId, key, problem, { cause })
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (cause) {
    throw corrupt(`not JSON (${(cause as Error).message})`, cause)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt('not a JSON object')
  const m = value as Manifest
  // The format first: a newer format may checksum differently.
  if (m.format !== 1) throw corrupt(`format ${JSON.stringify(m.format)} is not 1: probably written by a newer oxiflow; restore with that version`)
  if (typeof m.checksum !== 'number') throw corrupt('no checksum field')
  const checksum = manifestChecksum(m)
  if (checksum !== m.checksum) throw corrupt(`checksum mismatch: expected ${m.checksum}, found ${checksum}`)
  // Checked after the checksum: a manifest that passes it was written like this, so these say
  // which writer or copy went wrong rather than which byte flipped.
  if (m.pipelineId !== pipelineId) throw corrupt(`it belongs to pipeline '${m.pipelineId}'`)
  if (m.checkpointId !== checkpointId) throw corrupt(`it is the manifest of checkpoint ${m.checkpointId}`)
  if (typeof m.nodeVersion !== 'string' || typeof m.time !== 'number') throw corrupt('nodeVersion or time missing')
  if (typeof m.codec !== 'string') throw corrupt('codec is not a string')
  const bad = sourcesProblem(m.sources) ?? holdersProblem(m.holders, m.checkpointId) ?? endedProblem(m.ended) ?? previousProblem(m.previous, m.checkpointId) ?? maxKeyGroupsProblem(m.maxKeyGroups)
  if (bad) throw corrupt(bad)
  return m
}
