import { sideOutputSteps } from './side-output-steps.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import { STATELESS_KINDS, type KeySelector, type StepNode } from '../graph/step-spec.ts'
import type { PipelineGraph } from '../graph/pipeline-graph.ts'

/** How an edge between two vertices moves batches. */
export type Exchange =
  | { readonly kind: 'forward' }                        // instance i → instance i
  | { readonly kind: 'rebalance'; readonly pinned?: true } // whole batches round-robin; pinned: sender i → receiver i mod P
  | { readonly kind: 'hash'; readonly key: KeySelector } // by key group to the owning instance

/** An edge of the physical plan: the output of `fromStep` (last step of `from`) into `to`. */
export interface PlanEdge {
  readonly from: Vertex
  readonly to: Vertex
  readonly exchange: Exchange
  /**
   * A side edge into a side-output sink step: it carries the dead letters or late records of the
   * steps of `from` that send to that sink, not `from`'s output (control messages travel on it as
   * on any edge).
   */
  readonly side?: true
}

/** A chain of fused steps run by one actor per parallel instance. */
export interface Vertex {
  readonly id: number
  /** Head first; every later step reads only from the one before it. */
  readonly steps: StepNode[]
  readonly parallelism: number
  readonly inputs: PlanEdge[]
  readonly outputs: PlanEdge[]
  /**
   * True for a source and for a stateless chain fed in sequence order by one sequenced input:
   * every input batch (seq s) yields exactly one message per receiving channel, numbered s.
   * Instance i of a sequenced vertex handles the seqs ≡ i (mod parallelism). A renumbering
   * vertex is sequenced too, by numbers of its own.
   */
  sequenced: boolean
  /**
   * True for a union of one instance: its inputs' numbers are unrelated sequences, so it numbers
   * its output batches itself (0, 1, 2, … from each start), and the steps after it can run in
   * parallel and be merged back by those numbers.
   */
  renumbers?: boolean
}

/** The physical plan: vertices in topological order (sources first, side-output sinks last). */
export interface Plan {
  readonly pipelineId: string
  readonly vertices: readonly Vertex[]
  readonly maxKeyGroups: number
}

/**
 * Plans a validated graph: decides each step's parallelism, fuses chains (a stateless step or a
 * sink joins the actor of its only input when the edge is forward, the parallelism is the same
 * and that input feeds nothing else, as Flink chains operators) and picks each edge's exchange.
 * Each side-output sink (dead letters, late records) becomes a one-instance vertex of its own,
 * after all others, with a side edge from every vertex holding a step that sends to it (see
 * `sideOutputSteps`).
 *
 * @example
 * const plan = planGraph(p.graph, { workers: 0, maxKeyGroups: 128 })
 */
export function planGraph(graph: PipelineGraph, options: { workers: number; maxKeyGroups: number }): Plan {
  const defaultParallelism = Math.max(1, options.workers)
  const parallelismOf = (s: StepNode): number => {
    if (s.spec.kind === 'source') return sourceParallelism(graph.id, s, defaultParallelism)
    // An unkeyed window (no keyBy before it) sees every record: one instance. A union is one
    // instance too: it merges each input edge by that edge's sequence numbers (orderedInputs),
    // which only one receiver can do; several would each see part of a split file's order. So is
    // a batch: its groups of `size` records in arrival order are the same on any worker count only
    // when one instance makes them, and its pending records (unkeyed) restore on any worker count.
    const single = s.spec.kind === 'sink' || s.spec.kind === 'union' || s.spec.kind === 'batch' || (s.spec.kind === 'window' && !s.key)
    const p = s.options.parallelism ?? (single ? 1 : defaultParallelism)
    if (s.key && p > options.maxKeyGroups) {
      throw new PipelineDefinitionError(`pipeline '${graph.id}': step '${s.name}' has parallelism ${p} but only ${options.maxKeyGroups} key groups; ` +
        `lower its parallelism or raise maxKeyGroups`, s.name)
    }
    return p
  }
  const vertexOf = new Map<StepNode, Vertex>()
  const vertices: Vertex[] = []
  for (const step of graph.steps) {
    const p = parallelismOf(step)
    const input = step.inputs.length === 1 ? step.inputs[0] : undefined
    const upstream = input ? vertexOf.get(input) : undefined
    const fusable = upstream !== undefined && input !== undefined &&
      // A sink joins the chain before it inline, and with workers only when it may run on one
      // (Sink.workerSafe): otherwise it runs on the main thread, and fusing it would pull that
      // chain (a keyed step, say) off the workers with it.
      (STATELESS_KINDS.has(step.spec.kind) || (step.spec.kind === 'sink' && (options.workers === 0 || step.spec.sink.workerSafe === true))) &&
      step.partitioning.kind === 'forward' && upstream.parallelism === p &&
      upstream.steps[upstream.steps.length - 1] === input && graph.consumersOf(input).length === 1
    if (fusable) {
      upstream.steps.push(step)
      vertexOf.set(step, upstream)
      continue
    }
    const vertex: Vertex = { id: vertices.length, steps: [step], parallelism: p, inputs: [], outputs: [], sequenced: false }
    vertices.push(vertex)
    vertexOf.set(step, vertex)
    for (const from of step.inputs) {
      const fromVertex = vertexOf.get(from)!
      const exchange: Exchange = step.partitioning.kind === 'hash'
        ? { kind: 'hash', key: step.partitioning.key }
        : fromVertex.parallelism === p ? { kind: 'forward' } : { kind: 'rebalance' }
      const edge: PlanEdge = { from: fromVertex, to: vertex, exchange }
      fromVertex.outputs.push(edge)
      vertex.inputs.push(edge)
    }
  }
  for (const step of sideOutputSteps(graph)) {
    const vertex: Vertex = { id: vertices.length, steps: [step], parallelism: 1, inputs: [], outputs: [], sequenced: false }
    vertices.push(vertex)
    for (const from of new Set(step.inputs.map((s) => vertexOf.get(s)!))) {
      const edge: PlanEdge = { from, to: vertex, exchange: { kind: 'rebalance' }, side: true }
      from.outputs.push(edge)
      vertex.inputs.push(edge)
    }
  }
  for (const v of vertices) {
    const input = v.inputs.length === 1 ? v.inputs[0] : undefined
    if (v.steps[0].spec.kind === 'union' && v.parallelism === 1) v.renumbers = true
    v.sequenced = v.steps[0].spec.kind === 'source' || v.renumbers === true || (input !== undefined && input.from.sequenced &&
      input.exchange.kind !== 'hash' && v.steps.every((s) => STATELESS_KINDS.has(s.spec.kind) && s.spec.kind !== 'union'))
  }
  for (const v of vertices) for (const edge of v.inputs) if (mustPin(edge)) (edge as { exchange: Exchange }).exchange = { kind: 'rebalance', pinned: true }
  return { pipelineId: graph.id, vertices, maxKeyGroups: options.maxKeyGroups }
}

/**
 * Whether a rebalance edge must send each sender's batches to one receiver instead of round
 * robin. Round robin spreads one key's records over several receivers; only sequence numbers
 * put them back in order where the paths meet again, so it is safe only when the sender numbers
 * its batches (it is sequenced) and the receiver carries those numbers on (it is sequenced too).
 * Otherwise (a keyed step's output, a union, an unkeyed stateful step with parallelism > 1)
 * each sender's batches stay on one FIFO path, so a key's records keep their order whatever
 * merges them downstream — at the price of receivers that get no records when they outnumber
 * the senders (a keyed step's parallelism 1 → a map's parallelism 3: the map runs on one).
 */
function mustPin(edge: PlanEdge): boolean {
  // A sequenced receiver's one input is sequenced by definition (see Vertex.sequenced).
  return edge.exchange.kind === 'rebalance' && !edge.side && edge.to.parallelism > 1 && !edge.to.sequenced
}

/** A splittable source (a file) reads one split per instance; any other source runs once. */
function sourceParallelism(pipelineId: string, s: StepNode, defaultParallelism: number): number {
  if (s.spec.kind !== 'source') return 1
  const asked = s.options.parallelism
  if (s.spec.source.splittable) return asked ?? defaultParallelism
  if (asked !== undefined && asked > 1) {
    throw new PipelineDefinitionError(`pipeline '${pipelineId}': source '${s.name}' (${s.spec.source.description}) cannot be split, ` +
      `so its parallelism must be 1 (got ${asked}); parallelise the steps after it instead`, s.name)
  }
  return 1
}
