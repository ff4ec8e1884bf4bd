import { DuplicateHolderError } from './duplicate-holder-error.ts'
import { UnknownDependencyError } from './unknown-dependency-error.ts'
import type { DataflowEdge, HolderEntry } from './holder-entry.ts'

/**
 * Why one state id depends on another: the holder declared it in `dependsOn`, or the
 * dependent's step is downstream of the dependency's step (directly or through stateless steps).
 *
 * @example
 * const why: DependencyReason = { kind: 'dataflow', upstream: 'parse', downstream: 'count' }
 */
export type DependencyReason =
  | { readonly kind: 'declared' }
  | { readonly kind: 'dataflow'; readonly upstream: string; readonly downstream: string }

/**
 * The dependency graph over state ids: `deps.get(a)` maps every state id `a` depends on (must
 * be restored before `a`) to the reason. `nodes` is sorted.
 *
 * @example
 * const g = buildDependencyGraph(entries, [['src', 'agg']]); g.deps.get('agg/sum')
 */
export interface DependencyGraph {
  readonly nodes: readonly string[]
  readonly steps: ReadonlyMap<string, string>
  readonly deps: ReadonlyMap<string, ReadonlyMap<string, DependencyReason>>
}

/**
 * Builds the graph from declared `dependsOn` plus dataflow edges. Throws DuplicateHolderError
 * for ambiguous registrations and UnknownDependencyError for a `dependsOn` id no holder has.
 *
 * @example
 * buildDependencyGraph([{ stateId: 'a/x', step: 'a', stateVersion: '1.0.0', dependsOn: [] }], [])
 */
export function buildDependencyGraph(entries: readonly HolderEntry[], dataflow: readonly DataflowEdge[]): DependencyGraph {
  const steps = stepsOf(entries)
  const nodes = [...steps.keys()].sort(compareIds)
  const deps = new Map<string, Map<string, DependencyReason>>(nodes.map((id) => [id, new Map()]))
  for (const entry of entries) {
    for (const dep of entry.dependsOn) {
      if (!steps.has(dep)) throw new UnknownDependencyError(entry.stateId, entry.step, dep, nodes)
      deps.get(entry.stateId)!.set(dep, { kind: 'declared' })
    }
  }
  const holdersOfStep = new Map<string, string[]>()
  for (const id of nodes) {
    const step = steps.get(id)!
    holdersOfStep.set(step, [...(holdersOfStep.get(step) ?? []), id])
  }
  const upstreamOf = new Map<string, string[]>()
  for (const [up, down] of dataflow) upstreamOf.set(down, [...(upstreamOf.get(down) ?? []), up])
  for (const [step, holders] of holdersOfStep) {
    for (const upstream of statefulUpstream(step, upstreamOf, holdersOfStep)) {
      for (const id of holders) {
        const own = deps.get(id)!
        // A declared reason is the more useful one to show in a cycle message.
        for (const dep of holdersOfStep.get(upstream)!) if (!own.has(dep)) own.set(dep, { kind: 'dataflow', upstream, downstream: step })
      }
    }
  }
  return { nodes, steps, deps }
}

/**
 * The nearest steps with holders upstream of `step`, walking through stateless steps: their
 * own upstream steps are ordered before them already, so transitivity does the rest.
 */
function statefulUpstream(step: string, upstreamOf: ReadonlyMap<string, string[]>, holdersOfStep: ReadonlyMap<string, string[]>): string[] {
  const found: string[] = []
  const seen = new Set<string>()
  const queue = [...(upstreamOf.get(step) ?? [])]
  while (queue.length > 0) {
    const next = queue.shift()!
    if (seen.has(next)) continue
    seen.add(next)
    if (holdersOfStep.has(next)) found.push(next)
    else queue.push(...(upstreamOf.get(next) ?? []))
  }
  return found
}

/** State id → step, checking that each state id names one holder (per key-group range). */
function stepsOf(entries: readonly HolderEntry[]): Map<string, string> {
  const steps = new Map<string, string>()
  const ranges = new Map<string, HolderEntry[]>()
  for (const entry of entries) {
    const step = steps.get(entry.stateId)
    if (step !== undefined && step !== entry.step) {
      throw new DuplicateHolderError(entry.stateId, `registered by steps '${step}' and '${entry.step}'`)
    }
    steps.set(entry.stateId, entry.step)
    const others = ranges.get(entry.stateId) ?? []
    for (const other of others) {
      const a = other.keyGroups
      const b = entry.keyGroups
      if (a === undefined || b === undefined) {
        throw new DuplicateHolderError(entry.stateId, `registered twice by step '${entry.step}', ${a === undefined && b === undefined ? 'both times' : 'once'} without a key-group range`)
      }
      if (a.start <= b.end && b.start <= a.end) {
        throw new DuplicateHolderError(entry.stateId, `registered twice by step '${entry.step}' with overlapping key-group ranges [${a.start}, ${a.end}] and [${b.start}, ${b.end}]`)
      }
    }
    ranges.set(entry.stateId, [...others, entry])
  }
  return steps
}

/**
 * Orders state ids by UTF-16 code units: deterministic and independent of the locale.
 *
 * @example
 * ['b/x', 'a/y'].sort(compareIds) // ['a/y', 'b/x']
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
