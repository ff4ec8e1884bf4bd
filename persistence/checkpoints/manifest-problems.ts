import type { EndedStep, ManifestHolder, ManifestSources } from './manifest.ts'

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
export function holdersProblem(holders: ManifestHolder[]): string | undefined {
  if (!Array.isArray(holders)) return 'holders is not a list'
  for (const [i, h] of holders.entries()) {
    const bad = holderProblem(h)
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

function holderProblem(h: ManifestHolder): string | undefined {
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
  return placeProblem(h)
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
