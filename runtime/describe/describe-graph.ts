import type { PipelineGraph } from '../graph/pipeline-graph.ts'
import type { PlanDescription } from '../plan/plan-description.ts'
import { planGraph } from '../plan/plan.ts'
import { describePlan } from './describe-plan.ts'

/**
 * Options of `p.plan(options)`: the ones of `p.run(options)` that shape the plan.
 *
 * @example
 * const options: PlanOptions = { workers: 2, maxKeyGroups: 128 }
 */
export interface PlanOptions {
  /** Worker threads the job would run on; 0 (default): every actor on this thread. */
  readonly workers?: number
  /** Key groups of keyed steps (default 128). */
  readonly maxKeyGroups?: number
  /**
   * Whether to find a `.process` step's keyed state by making its Oxi and running its
   * `open(ctx)` (where `ctx.state` is declared), as a run would. Default true; false for a
   * description that must run no user code (an `open` that connects to something would connect
   * here): such a step's state is then not described, and its `stateNote` says so.
   */
  readonly openOxis?: boolean
}

/**
 * Validates a pipeline graph, plans it and describes the plan (what `Pipeline.plan` returns
 * once its options are checked). Nothing starts.
 *
 * @example
 * describeGraph(p.graph, { workers: 2, maxKeyGroups: 128 }).actors.length
 */
export function describeGraph(graph: PipelineGraph, options: { readonly workers: number; readonly maxKeyGroups: number; readonly openOxis?: boolean }): PlanDescription {
  graph.validate()
  return describePlan(planGraph(graph, options), { workers: options.workers, ...(options.openOxis !== undefined && { openOxis: options.openOxis }) })
}
