import type { ExchangeDescription } from '../plan/plan-description.ts'
import type { Placement } from '../plan/placement.ts'
import type { Plan, PlanEdge } from '../plan/plan.ts'

/**
 * The exchanges of a plan, one per edge between vertices, in the order of the receiving
 * vertices and their inputs. `crossesThreads` looks at the instance pairs records travel
 * between on that edge: forward i → i, pinned i → i mod P, others every sender to every receiver.
 *
 * @example
 * describeExchanges(plan, placeInstances(plan, 2)).map((e) => `${e.from} → ${e.to}: ${e.partitioning}`)
 */
export function describeExchanges(plan: Plan, hostOf: Placement): ExchangeDescription[] {
  return plan.vertices.flatMap((v) => v.inputs.map((edge): ExchangeDescription => ({
    from: edge.from.steps[edge.from.steps.length - 1]!.name,
    to: v.steps[0]!.name,
    fromActor: edge.from.id,
    toActor: v.id,
    partitioning: partitioningOf(edge),
    crossesThreads: pairsOf(edge).some(([from, to]) => hostOf(edge.from, from) !== hostOf(edge.to, to)),
    ...(edge.side && { side: true as const }),
  })))
}

function partitioningOf(edge: PlanEdge): ExchangeDescription['partitioning'] {
  const exchange = edge.exchange
  if (exchange.kind === 'rebalance' && exchange.pinned) return 'pinned'
  return exchange.kind
}

/** The (sender, receiver) instance pairs the edge's records can travel between (router.ts). */
function pairsOf(edge: PlanEdge): [number, number][] {
  const senders = edge.from.parallelism
  const receivers = edge.to.parallelism
  const exchange = edge.exchange
  if (exchange.kind === 'forward') return Array.from({ length: receivers }, (_, i) => [i, i])
  if (exchange.kind === 'rebalance' && exchange.pinned) return Array.from({ length: senders }, (_, i) => [i, i % receivers])
  const pairs: [number, number][] = []
  for (let from = 0; from < senders; from++) for (let to = 0; to < receivers; to++) pairs.push([from, to])
  return pairs
}
