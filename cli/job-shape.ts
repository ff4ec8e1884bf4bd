/**
 * What the CLI needs of a pipeline module's export. The CLI checks it by shape, not `instanceof`:
 * the user's module may load its own copy of oxiflow. Types only.
 */
import type { Job, PlanDescription, PlanOptions, RunOptions } from '../index.ts'

export type { Job, JobMetrics, JobSummary, PlanDescription, StepMetrics, StepSummary } from '../index.ts'

/**
 * The options the CLI runs with: RunOptions plus the `--params` object, so that a worker host
 * re-importing a module whose default export is a function can rebuild the same pipeline.
 */
export type CliRunOptions = RunOptions & { readonly params: Readonly<Record<string, unknown>> }

/** A Pipeline as far as the CLI is concerned: something with `run`, and `plan` where it describes its plan (the live page draws it). */
export interface RunnablePipeline {
  readonly id?: string
  run(options: CliRunOptions): Job
  plan?(options: PlanOptions): PlanDescription
}
