import type { Plan, PlanEdge } from './plan.ts'

/** One channel of a plan: an edge between one sending and one receiving instance. */
export interface ChannelPair {
  readonly id: string
  readonly edge: PlanEdge
  readonly from: number
  readonly to: number
}

/**
 * The id of the channel on `edge` from sender instance `from` to receiver `to`. Every host
 * derives the same ids from the same plan, which is how the two ends of a cross-thread channel
 * find their MessagePort.
 */
export function channelId(edge: PlanEdge, from: number, to: number): string {
  return `${edge.to.id}#${edge.to.inputs.indexOf(edge)}:${from}>${to}`
}

/** Every channel of a plan: forward edges pair instance i with i; others connect all to all. */
export function channelPairs(plan: Plan): ChannelPair[] {
  const pairs: ChannelPair[] = []
  for (const v of plan.vertices) {
    for (const edge of v.inputs) {
      for (let to = 0; to < v.parallelism; to++) {
        const senders = edge.exchange.kind === 'forward' ? [to] : Array.from({ length: edge.from.parallelism }, (_, u) => u)
        for (const from of senders) pairs.push({ id: channelId(edge, from, to), edge, from, to })
      }
    }
  }
  return pairs
}
