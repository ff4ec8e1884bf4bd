import { FailureHandler } from '../host/failure-handler.ts'
import type { StepCounters } from '../host/step-counters.ts'
import type { StepNode } from '../graph/step-spec.ts'
import type { OperatorContext, Output } from '../operators/operator.ts'

/**
 * The context a step's operator is built with when the plan is only described: the same
 * pipeline, step, instance and key groups as at run time (state ids and versions come from
 * them), a clock stopped at 0 and timers that never fire — nothing of the step runs.
 *
 * @example
 * const op = createOperator(planningContext('orders', step, 0, 2, 128), NOWHERE)
 */
export function planningContext(pipelineId: string, step: StepNode, instance: number, parallelism: number, maxKeyGroups: number): OperatorContext {
  const counters: StepCounters = { recordsIn: 0, recordsOut: 0, failed: 0 }
  return {
    pipelineId, step, instance, parallelism, maxKeyGroups, counters,
    clock: { now: () => 0, setTimer: () => () => {} },
    // Never called: no record reaches an operator built for the description.
    failures: new FailureHandler(step.name, 'fail', counters, undefined),
    setTimer: () => () => {},
  }
}

/**
 * Where a described operator's output would go: nowhere, since no record reaches it.
 *
 * @example
 * createOperator(ctx, NOWHERE)
 */
export const NOWHERE: Output = {
  batch: () => {},
  watermark: () => {},
  end: () => {},
}
