import type { DataflowEdge } from '../../persistence/registry/holder-entry.ts'
import type { Plan } from '../plan/plan.ts'

/**
 * The plan's dataflow as step-to-step edges, one per input of each step: what the holder
 * registry orders restore levels by (a step's state is restored after its inputs'), both when
 * a job checks its holders at start and when a checkpoint assigns the levels it stores.
 *
 * @example
 * dataflowEdges(plan) // [['src', 'parse'], ['parse', 'count']]
 */
export function dataflowEdges(plan: Plan): DataflowEdge[] {
  return plan.vertices.flatMap((v) => v.steps.flatMap((s) => s.inputs.map((i) => [i.name, s.name] as const)))
}
