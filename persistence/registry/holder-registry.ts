import { DependencyCycleError } from './dependency-cycle-error.ts'
import type { DependencyGraph, DependencyReason } from './dependency-graph.ts'
import { buildDependencyGraph, compareIds } from './dependency-graph.ts'
import { findCycle } from './find-cycle.ts'
import type { DataflowEdge, HolderEntry } from './holder-entry.ts'
import { topologicalOrder } from './topological-order.ts'

/**
 * Knows every state holder of a pipeline and the dependency graph between them: declared
 * `dependsOn` (by state id) plus dataflow edges (every holder of a step depends on the holders
 * of the nearest stateful steps upstream of it). Rejects a cycle naming it
 * (DependencyCycleError), a `dependsOn` id no holder has (UnknownDependencyError) and ambiguous
 * registrations (DuplicateHolderError) when constructed.
 *
 * `writeOrder()` is the order snapshots are written in; `levels()` groups holders for restore:
 * level 0 has no dependencies, level k is 1 + the highest level among its dependencies, and the
 * holders of one level restore concurrently.
 *
 * @example
 * const registry = new HolderRegistry([
 *   { stateId: 'src/offsets', step: 'src', stateVersion: '1.0.0', dependsOn: [] },
 *   { stateId: 'agg/sum', step: 'agg', stateVersion: '1.0.0', dependsOn: [] },
 * ], [['src', 'agg']])
 * registry.levels() // [[src/offsets], [agg/sum]]
 */
export class HolderRegistry {
  readonly entries: readonly HolderEntry[]
  private readonly graph: DependencyGraph
  private readonly order: readonly string[]
  private readonly levelOf = new Map<string, number>()
  private readonly byId = new Map<string, HolderEntry[]>()

  constructor(entries: readonly HolderEntry[], dataflow: readonly DataflowEdge[] = []) {
    this.entries = [...entries]
    this.graph = buildDependencyGraph(entries, dataflow)
    const cycle = findCycle(this.graph)
    if (cycle) throw new DependencyCycleError(cycle, cycle.slice(1).map((dep, i) => this.describe(cycle[i]!, dep)))
    this.order = topologicalOrder(this.graph)
    for (const id of this.order) {
      let level = 0
      for (const dep of this.graph.deps.get(id)!.keys()) level = Math.max(level, this.levelOf.get(dep)! + 1)
      this.levelOf.set(id, level)
    }
    for (const entry of entries) this.byId.set(entry.stateId, [...(this.byId.get(entry.stateId) ?? []), entry])
    for (const list of this.byId.values()) list.sort((a, b) => (a.keyGroups?.start ?? 0) - (b.keyGroups?.start ?? 0))
  }

  /** Every holder, dependencies before dependents; ties by state id, then key-group start. */
  writeOrder(): HolderEntry[] {
    return this.order.flatMap((id) => this.byId.get(id)!)
  }

  /** Holders grouped into restore levels, each level ordered by state id, then key-group start. */
  levels(): HolderEntry[][] {
    const levels: HolderEntry[][] = []
    for (const id of this.order) (levels[this.levelOf.get(id)!] ??= []).push(...this.byId.get(id)!)
    for (const level of levels) level.sort((a, b) => compareIds(a.stateId, b.stateId) || (a.keyGroups?.start ?? 0) - (b.keyGroups?.start ?? 0))
    return levels
  }

  /** The restore level of a state id (undefined when no holder has it). */
  level(stateId: string): number | undefined {
    return this.levelOf.get(stateId)
  }

  /** Every state id `stateId` depends on, declared or through dataflow, sorted. */
  dependenciesOf(stateId: string): string[] {
    return [...(this.graph.deps.get(stateId)?.keys() ?? [])].sort(compareIds)
  }

  private describe(id: string, dep: string): string {
    const reason: DependencyReason = this.graph.deps.get(id)!.get(dep)!
    return reason.kind === 'declared'
      ? `'${id}' declares dependsOn '${dep}'`
      : `step '${reason.downstream}' of '${id}' is downstream of step '${reason.upstream}' of '${dep}'`
  }
}
