import type { StepNode } from '../graph/step-spec.ts'
import type { Output } from '../operators/operator.ts'
import type { Vertex } from '../plan/plan.ts'
import type { Router } from './router.ts'
import { andThen } from '../maybe.ts'
import type { SideOutlet } from '../plan/side-output-steps.ts'

/**
 * Where `step` sends what goes to `sink` (its dead letters, a window's late records): the side
 * edge of its vertex into the one side-output sink step of that sink object (see `sideOutputSteps`).
 *
 * @example
 * const deadLetters = sideOutlet(vertex, step, policy.deadLetter, router)
 */
export function sideOutlet(vertex: Vertex, step: StepNode, sink: unknown, router: Router): SideOutlet {
  const target = vertex.outputs.findIndex((e) => e.side && e.to.steps[0].spec.kind === 'sink' && e.to.steps[0].spec.sink === sink)
  if (target < 0) throw new Error(`step '${step.name}': no side edge to ${(sink as { description?: string }).description} in the plan; the planner and this host disagree`)
  return (records) => router.side(target, records)
}

/**
 * `head`, whose end also ends `router`'s side edges once the chain (ending in a sink) has ended.
 *
 * @example
 * const head = endingSideEdges(chainHead, router)
 */
export function endingSideEdges(head: Output, router: Router): Output {
  return {
    batch: (records) => head.batch(records),
    watermark: (time) => head.watermark(time),
    end: (final) => andThen(head.end(final), () => router.end(final)),
  }
}
