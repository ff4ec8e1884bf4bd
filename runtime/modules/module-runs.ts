import { AsyncLocalStorage } from 'node:async_hooks'
import type { Job } from '../contracts/job.ts'
import type { RunOptions } from '../job/run-options.ts'
import type { PipelineGraph } from '../graph/pipeline-graph.ts'
import { HandedJobError } from './handed-job-error.ts'

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
interface Runs {
  /** The taker of the module loading in this async context (its top level, its awaits, its timers). */
  readonly scoped: AsyncLocalStorage<RunTaker>
  /** The taker of every run() in this thread, while it takes them. */
  taker: RunTaker | undefined
}
const runs = (): Runs => ((globalThis as { [KEY]?: Runs })[KEY] ??= { scoped: new AsyncLocalStorage(), taker: undefined })

/**
 * Calls `load` (which imports a module) so that the run() calls of that module — at its top
 * level, after its awaits, in its timers — start nothing: each hands its pipeline to `taker`
 * and returns a job that never finishes (see handedJob). Other code of the thread, running
 * meanwhile, runs its pipelines as usual. For a thread that runs other pipelines (an app or a
 * test calling the CLI's main()); it costs the thread async hooks on every promise for good,
 * so a thread that runs nothing else takes run() thread-wide instead (takeRuns).
 *
 * @example
 * const mod = await takeRunsOf(() => import(url), (ran) => { found.push(ran) })
 */
export function takeRunsOf<T>(load: () => T, taker: RunTaker): T {
  return runs().scoped.run(taker, load)
}

/**
 * From now on in this thread, every pipeline's `run()` starts nothing and hands the pipeline
 * to `taker`, until stopTaking(taker). A worker host sets it for good before it imports the
 * module (the thread exists to run that module's pipeline); the `oxiflow` command while it
 * imports the module (a module it loads is a definition, so its own run() starts no second
 * job), then it runs the pipeline itself. Only for a thread that runs nothing else meanwhile.
 *
 * Thread-wide rather than scoped to the module's async context (takeRunsOf): an
 * AsyncLocalStorage that has run once makes Node run async hooks on every promise of the
 * thread for good (disable() does not undo it), the job's too. An inline `oxiflow run` of 1M
 * JSON lines promoted 71–72 MB to the old generation instead of 23–24 MB and used about 7 %
 * more CPU (6 alternating runs each; bench/README.md, issue 17).
 *
 * @example
 * takeRuns((ran) => { found.push(ran) })
 */
export function takeRuns(taker: RunTaker): void {
  runs().taker = taker
}

/**
 * Ends takeRuns(taker): run() starts its pipeline again in this thread (a module's timer that
 * fires later included).
 *
 * @example
 * takeRuns(taker); await import(url); stopTaking(taker)
 */
export function stopTaking(taker: RunTaker): void {
  const state = runs()
  if (state.taker === taker) state.taker = undefined
}

/** Called by run(): the handed job when a loader takes this pipeline, else undefined (start it). */
export function handToTaker(graph: PipelineGraph, start: (options: RunOptions) => Job): Job | undefined {
  const state = runs()
  const taker = state.scoped.getStore() ?? state.taker
  if (!taker) return undefined
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
