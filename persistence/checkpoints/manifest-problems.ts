import type { ChainLink, EndedStep, ManifestHolder, ManifestSources } from './manifest.ts'

// What decodeManifest checks field by field once the checksum holds: each returns the first
// problem, naming the field (and the holder or step), or undefined. Fields that manifests not
// written by a runner may lack are checked only when present.

/**
 * The problem with a manifest's `sources`: not an object, or `cuts` that are not sequence
 * numbers by source vertex id.
 *
 * @example
 * sourcesProblem({ cuts: { 0: -1 } }) // "sources.cuts['0'] is not a sequence number (an integer ≥ 0)"
 */
export function sourcesProblem(sources: ManifestSources): string | undefined {
  if (!isObject(sources)) return 'sources is not an object'
  if (sources.cuts === undefined) return undefined
  if (!isObject(sources.cuts)) return 'sources.cuts is not an object'
  for (const [vertex, seq] of Object.entries(sources.cuts)) {
    if (!isCount(Number(vertex))) return `sources.cuts has key '${vertex}', not a source vertex id`
    if (!isCount(seq)) return `sources.cuts['${vertex}'] is not a sequence number (an integer ≥ 0)`
  }
  return undefined
}

/**
 * The problem with a manifest's `holders`, prefixed with the holder's index.
 *
 * @example
 * holdersProblem([{ ...holder, instance: 2, parallelism: 2 }]) // "holder 0: instance of 'agg/sum' is not below its parallelism 2"
 */
export function holdersProblem(holders: ManifestHolder[], checkpointId?: number): string | undefined {
  if (!Array.isArray(holders)) return 'holders is not a list'
  for (const [i, h] of holders.entries()) {
    const bad = holderProblem(h, checkpointId)
    if (bad) return `holder ${i}: ${bad}`
  }
  return undefined
}

/**
 * The problem with a manifest's `ended` (absent in manifests written before it existed).
 *
 * @example
 * endedProblem({ map: { parallelism: 2, instances: [2] } }) // "ended['map'] is not { parallelism, instances } …"
 */
export function endedProblem(ended: Record<string, EndedStep> | undefined): string | undefined {
  if (ended === undefined) return undefined
  if (!isObject(ended)) return 'ended is not an object'
  for (const [step, e] of Object.entries(ended)) {
    const p = e?.parallelism
    if (!(Number.isSafeInteger(p) && p >= 1 && Array.isArray(e.instances) &&
      e.instances.every((i) => Number.isSafeInteger(i) && i >= 0 && i < p))) {
      return `ended['${step}'] is not { parallelism, instances } with instances below the parallelism`
    }
  }
  return undefined
}

/**
 * The problem with a manifest's `previous` (absent in manifests written before it existed): null
 * or the id of an older checkpoint.
 *
 * @example
 * previousProblem(9, 7) // "previous is 9, not null or a checkpoint id below 7"
 */
export function previousProblem(previous: unknown, checkpointId: number): string | undefined {
  if (previous === undefined || previous === null) return undefined
  if (Number.isSafeInteger(previous) && (previous as number) >= 1 && (previous as number) < checkpointId) return undefined
  return `previous is ${JSON.stringify(previous)}, not null or a checkpoint id below ${checkpointId}`
}

/**
 * The problem with a manifest's `maxKeyGroups` (absent in manifests written before it existed): an integer ≥ 1.
 *
 * @example
 * maxKeyGroupsProblem(0) // "maxKeyGroups is 0, not an integer ≥ 1"
 */
export function maxKeyGroupsProblem(maxKeyGroups: unknown): string | undefined {
  if (maxKeyGroups === undefined || (Number.isSafeInteger(maxKeyGroups) && (maxKeyGroups as number) >= 1)) return undefined
  return `maxKeyGroups is ${JSON.stringify(maxKeyGroups)}, not an integer ≥ 1`
}

function holderProblem(h: ManifestHolder, checkpointId: number | undefined): string | undefined {
  if (!isObject(h)) return 'not an object'
  for (const field of ['stateId', 'step', 'stateVersion', 'codec', 'blob', 'type'] as const) {
    if (typeof h[field] !== 'string') return `${field} is not a string`
  }
  for (const field of ['rawBytes', 'storedBytes', 'crc32', 'level'] as const) {
    if (typeof h[field] !== 'number') return `${field} of '${h.stateId}' is not a number`
  }
  if (!Array.isArray(h.dependsOn) || !h.dependsOn.every((d) => typeof d === 'string')) return `dependsOn of '${h.stateId}' is not a list of state ids`
  const g = h.keyGroups
  if (g !== undefined && !(isObject(g) && isCount(g.start) && isCount(g.end) && g.start <= g.end)) {
    return `keyGroups of '${h.stateId}' is not { start, end } with 0 ≤ start ≤ end`
  }
  if (h.keyed !== undefined && typeof h.keyed !== 'boolean') return `keyed of '${h.stateId}' is not a boolean`
  return placeProblem(h) ?? chainProblem(h, checkpointId)
}

/**
 * 'changes' come with a chain — a full link, then changes, each of an older checkpoint than the
 * next — and 'full' without one. The checkpoint ids let retention and verify find the blobs of
 * older checkpoints a restore needs; the blob keys are checked where they are read.
 */
function chainProblem(h: ManifestHolder, checkpointId: number | undefined): string | undefined {
  if (h.snapshot === undefined || h.snapshot === 'full') {
    return h.chain === undefined ? undefined : `chain of '${h.stateId}' is given, but its snapshot is not 'changes'`
  }
  if (h.snapshot !== 'changes') return `snapshot of '${h.stateId}' is neither 'full' nor 'changes'`
  const chain = h.chain as unknown
  if (!Array.isArray(chain) || chain.length === 0) return `chain of '${h.stateId}' is not a non-empty list (its snapshot is 'changes')`
  for (const [i, link] of (chain as ChainLink[]).entries()) {
    const bad = linkProblem(link, i, i === 0 ? undefined : chain[i - 1] as ChainLink)
    if (bad) return `chain[${i}] of '${h.stateId}': ${bad}`
  }
  const last = (chain as ChainLink[]).at(-1)!.checkpointId
  if (checkpointId !== undefined && last >= checkpointId) return `chain of '${h.stateId}' ends at checkpoint ${last}, not before this checkpoint ${checkpointId}`
  return undefined
}

function linkProblem(link: ChainLink, i: number, before: ChainLink | undefined): string | undefined {
  if (!isObject(link)) return 'not an object'
  if (link.snapshot !== (i === 0 ? 'full' : 'changes')) return i === 0 ? "the first link is not 'full'" : "a link after the first is not 'changes'"
  if (typeof link.blob !== 'string' || typeof link.codec !== 'string') return 'blob or codec is not a string'
  for (const field of ['rawBytes', 'storedBytes', 'crc32'] as const) if (typeof link[field] !== 'number') return `${field} is not a number`
  if (!(isCount(link.checkpointId) && link.checkpointId >= 1)) return 'checkpointId is not a positive integer'
  if (before && link.checkpointId <= before.checkpointId) return `checkpointId ${link.checkpointId} is not after the link before it (${before.checkpointId})`
  return undefined
}

/** `instance` and `parallelism` come together: restore matches a snapshot to its instance by both. */
function placeProblem(h: ManifestHolder): string | undefined {
  if (h.instance === undefined && h.parallelism === undefined) return undefined
  if (!(isCount(h.parallelism) && h.parallelism >= 1)) return `parallelism of '${h.stateId}' is not a positive integer`
  if (!isCount(h.instance)) return `instance of '${h.stateId}' is not an integer ≥ 0`
  if (h.instance >= h.parallelism) return `instance of '${h.stateId}' is not below its parallelism ${h.parallelism}`
  return undefined
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0
}
