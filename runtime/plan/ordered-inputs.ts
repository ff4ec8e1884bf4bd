import type { PlanEdge, Vertex } from './plan.ts'

/**
 * One input edge an actor merges in sequence order: its channels (actor input indices, by
 * sending instance), the first sequence number due, the step between due numbers and how many
 * senders take turns (seq s comes from sender s mod senders).
 */
export interface OrderedGroup {
  readonly edge: PlanEdge
  readonly inputs: readonly number[]
  readonly first: number
  readonly stride: number
  readonly senders: number
}

/**
 * How instance `index` of `vertex` merges its inputs in sequence order: one group per input edge
 * from a sequenced vertex, each edge its own sequence space (a union merges unrelated sources;
 * their numbers are never compared). Inputs of other edges are taken as they come. Undefined
 * when no edge is ordered. After a hash exchange the receiver takes every seq in turn; after
 * forward or rebalance only those ≡ index (mod its parallelism).
 *
 * @example
 * const groups = orderedInputs(vertex, 0) // [{ edge, inputs: [0, 1], first: 0, stride: 1, senders: 2 }]
 */
export function orderedInputs(vertex: Vertex, index: number): OrderedGroup[] | undefined {
  const groups: OrderedGroup[] = []
  let at = 0
  for (const edge of vertex.inputs) {
    // The actor's inputs, edge after edge: forward has one channel, any other one per sender.
    const count = edge.exchange.kind === 'forward' ? 1 : edge.from.parallelism
    const inputs = Array.from({ length: count }, (_, i) => at + i)
    at += count
    // Side outputs carry no sequence numbers; a pinned edge feeds each receiver one FIFO path per sender (plan.ts mustPin).
    if (!edge.from.sequenced || edge.side || (edge.exchange.kind === 'rebalance' && edge.exchange.pinned)) continue
    if (edge.exchange.kind === 'hash') groups.push({ edge, inputs, first: 0, stride: 1, senders: edge.from.parallelism })
    else if (edge.exchange.kind === 'forward') groups.push({ edge, inputs, first: index, stride: vertex.parallelism, senders: 1 })
    else groups.push({ edge, inputs, first: index, stride: vertex.parallelism, senders: edge.from.parallelism })
  }
  return groups.length > 0 ? groups : undefined
}
