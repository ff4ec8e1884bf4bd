import type { DependencyGraph } from './dependency-graph.ts'
import { compareIds } from './dependency-graph.ts'

/**
 * State ids with every dependency before its dependents (Kahn's algorithm); among ids whose
 * dependencies are all placed, the smallest id goes first, so the order is deterministic (the
 * lexicographically smallest topological order). The graph must be acyclic: check with
 * findCycle first; ids on a cycle are left out.
 *
 * @example
 * topologicalOrder(graph) // ['src/offsets', 'win/buffer', 'agg/sum']
 */
export function topologicalOrder(graph: DependencyGraph): string[] {
  const waiting = new Map<string, number>()
  const dependents = new Map<string, string[]>()
  for (const id of graph.nodes) {
    const deps = graph.deps.get(id) ?? new Map()
    waiting.set(id, deps.size)
    for (const dep of deps.keys()) dependents.set(dep, [...(dependents.get(dep) ?? []), id])
  }
  const ready = graph.nodes.filter((id) => waiting.get(id) === 0) // nodes are sorted
  const order: string[] = []
  while (ready.length > 0) {
    const id = ready.shift()!
    order.push(id)
    for (const dependent of dependents.get(id) ?? []) {
      const left = waiting.get(dependent)! - 1
      waiting.set(dependent, left)
      if (left === 0) insertSorted(ready, dependent)
    }
  }
  return order
}

function insertSorted(ids: string[], id: string): void {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareIds(ids[mid]!, id) < 0) lo = mid + 1
    else hi = mid
  }
  ids.splice(lo, 0, id)
}
