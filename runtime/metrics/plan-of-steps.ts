import type { JobMetrics } from '../contracts/job.ts'
import type { PlanDescription } from '../plan/plan-description.ts'

/**
 * A stand-in plan for a page served without one (`serveMetrics` called without `plan`): each
 * step of a metrics sample as an actor of its own, on the main thread, with no exchanges — the
 * page then shows every step and its figures, one column, without the dataflow it cannot know.
 *
 * @example
 * planOfSteps('clicks', job.metrics()).steps.map((s) => s.name) // ['in', 'out']
 */
export function planOfSteps(pipelineId: string, sample: JobMetrics | undefined): PlanDescription {
  const steps = Object.entries(sample?.steps ?? {})
  return {
    format: 1, pipelineId, workers: 0, maxKeyGroups: 0, restoreLevels: [], exchanges: [],
    steps: steps.map(([name, s], actor) => ({ name, kind: s.kind, inputs: [], actor, parallelism: s.parallelism, keyed: false, state: [] })),
    actors: steps.map(([name, s], id) => ({ id, steps: [name], parallelism: s.parallelism, instances: [{ index: 0, host: 'main' }] })),
  }
}
