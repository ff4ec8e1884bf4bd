import type { Job, RunOptions } from '../job.ts'
import type { PipelineGraph } from '../pipeline-graph.ts'
import { HandedJobError } from '../errors/handed-job-error.ts'

/** A pipeline a module ran, as its loader receives it: `run` starts it for real (once). */
export interface RanPipeline {
  readonly id: string
  readonly graph: PipelineGraph
  run(options: RunOptions & { readonly params?: unknown }): Job
}

/** Who takes the pipelines a loaded module runs: `oxiflow run`, or the worker host that imported it. */
export type RunTaker = (ran: RanPipeline) => void

// On globalThis under a registered symbol: a user's module may bring its own copy of oxiflow
// (another path, another loader), and its run() must still reach the loader of this thread.
const KEY = Symbol.for('oxiflow.moduleRuns')
interface Runs { taker: RunTaker | undefined, direct: boolean }
const runs = (): Runs => ((globalThis as { [KEY]?: Runs })[KEY] ??= { taker: undefined, direct: false })

/**
 * From now on in this thread, a pipeline's `run()` starts nothing: it hands the pipeline to
 * `taker` and returns a job that never finishes (see handedJob). oxiflow's CLI calls this
 * before it imports a module, and a worker host at its start: a module they load is a
 * definition, so its own `run()` neither starts a second job nor, in a worker, a job per thread.
 *
 * @example
 * takeRuns((ran) => { job = ran.run({ workers: 2, module }) })
 */
export function takeRuns(taker: RunTaker): void {
  runs().taker = taker
}

/**
 * Calls `run` (which calls a pipeline's run()) as the loader's own call: it starts the job
 * even where runs are taken — how `oxiflow run` starts the pipeline a module exports.
 *
 * @example
 * const job = runDirectly(() => pipeline.run(options))
 */
export function runDirectly<T>(run: () => T): T {
  const state = runs()
  state.direct = true
  try {
    return run()
  } finally {
    state.direct = false
  }
}

/** Called by run(): the handed job when a loader takes this pipeline, else undefined (start it). */
export function handToTaker(graph: PipelineGraph, start: (options: RunOptions) => Job): Job | undefined {
  const { taker, direct } = runs()
  if (!taker || direct) return undefined
  let started: Job | undefined
  taker({ id: graph.id, graph, run: (options) => (started ??= start(options)) })
  return handedJob(graph.id, () => started)
}

/**
 * The job a handed-over run() returns. `done` never settles, so the code after
 * `await job.done` runs only where the module runs itself (`node app.js`), never in a worker
 * host or under `oxiflow run`, which report the job themselves. Once the loader started the
 * pipeline (`oxiflow run`), `stop()`, `checkpoint()` and `metrics()` act on that job; before,
 * or in a worker host, `stop()` never settles either, `checkpoint()` is refused with a
 * HandedJobError and `metrics()` reports nothing yet.
 */
function handedJob(pipelineId: string, started: () => Job | undefined): Job {
  const never = new Promise<never>(() => undefined)
  return {
    pipelineId,
    done: never,
    stop: () => started()?.stop().then(() => never) ?? never,
    checkpoint: () => started()?.checkpoint() ?? Promise.reject(new HandedJobError(pipelineId, 'checkpoint()')),
    metrics: () => started()?.metrics() ?? { pipelineId, status: 'starting', elapsedMs: 0, steps: {} },
  }
}
