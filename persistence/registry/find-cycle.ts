import type { DependencyGraph } from './dependency-graph.ts'
import { compareIds } from './dependency-graph.ts'

/**
 * A cycle in the dependency graph, or undefined when it is acyclic. The cycle lists state ids
 * in dependency order (each depends on the next), starts at its smallest id and repeats it at
 * the end: `['a/x', 'b/y', 'a/x']`. Deterministic: nodes and edges are visited in id order.
 * Iterative, so deep graphs do not overflow the stack.
 *
 * @example
 * findCycle(graph) // ['a/x', 'b/y', 'a/x'] or undefined
 */
export function findCycle(graph: DependencyGraph): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const sortedDeps = (id: string): string[] => [...(graph.deps.get(id)?.keys() ?? [])].sort(compareIds)
  for (const root of graph.nodes) {
    if (state.has(root)) continue
    const path: string[] = [root]
    const pending: string[][] = [sortedDeps(root)]
    state.set(root, 'open')
    while (path.length > 0) {
      const next = pending[pending.length - 1]!.shift()
      if (next === undefined) {
        state.set(path.pop()!, 'done')
        pending.pop()
        continue
      }
      const seen = state.get(next)
      if (seen === 'open') return canonical(path.slice(path.indexOf(next)))
      if (seen === 'done') continue
      state.set(next, 'open')
      path.push(next)
      pending.push(sortedDeps(next))
    }
  }
  return undefined
}

/** Rotates the cycle to start at its smallest id and closes it. */
function canonical(cycle: string[]): string[] {
  let start = 0
  for (let i = 1; i < cycle.length; i++) if (compareIds(cycle[i]!, cycle[start]!) < 0) start = i
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)]
  return [...rotated, rotated[0]!]
}
