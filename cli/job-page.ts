import { resolveCheckpointing } from '../runtime/checkpoint/checkpoint-options.ts'
import { openStore } from '../persistence/stores/open-store.ts'
import type { StateStore } from '../persistence/stores/state-store.ts'
import { serveMetrics } from '../runtime/metrics/metrics-server.ts'
import type { Job, PlanDescription, RunnablePipeline } from './job-shape.ts'
import type { RunArgs } from './run-args.ts'
import { storeLocation } from './state-store-arg.ts'
import { stateView } from './state-views.ts'

/** The metrics endpoint and live page of one `oxiflow run`. */
export interface JobPage {
  /** Stops serving (open page streams end) and closes the page's handle on the store. */
  close(): Promise<void>
}

/**
 * Serves `oxiflow run`'s metrics and live page when `--ui` or `--metrics-port` asks for them
 * (undefined otherwise): on `--metrics-port` (a free port with `--ui` alone) and
 * `--metrics-host`, with the pipeline's plan for the workers asked for, and — for a job with a
 * store — `/api/state` read from that store by the same stateView as `oxiflow state show`, so
 * the page and the command agree on every number. It listens before the job starts, so a port
 * in use fails the command before any record flows; it prints both addresses on stderr.
 *
 * @example
 * const page = await serveJobPage(pipeline, args, () => running?.metrics()); try { … } finally { await page?.close() }
 */
export async function serveJobPage(pipeline: RunnablePipeline, args: RunArgs, job: () => Job | undefined): Promise<JobPage | undefined> {
  if (!args.ui && args.metricsPort === undefined) return undefined
  const id = typeof pipeline.id === 'string' ? pipeline.id : 'pipeline'
  // run()'s own rule (a store named, or checkpoints or a restore asked for): the job keeps a run record then.
  const withStore = resolveCheckpointing({ store: args.store, checkpointInterval: args.checkpointInterval, restore: args.restore }) !== undefined
  // A handle of its own, opened at the first read: the store is the one the job writes, as `state show` opens it.
  let store: StateStore | undefined
  const server = await serveMetrics(id, () => job()?.metrics(), {
    port: args.metricsPort ?? 0,
    ...(args.metricsHost !== undefined && { host: args.metricsHost }),
    ...(withStore && { state: () => stateView(store ??= openStore(storeLocation(args.store)), id) }),
    ...planOf(pipeline, args.workers),
  })
  process.stderr.write(`oxiflow: metrics on ${server.url}\noxiflow: live page on ${server.pageUrl}\n`)
  return {
    async close() {
      await server.close()
      await store?.close()
    },
  }
}

/** The plan the job will run, for a pipeline that describes it (`Pipeline.plan`); a module's own copy of an older oxiflow may not. */
function planOf(pipeline: RunnablePipeline, workers: number): { plan?: PlanDescription } {
  if (typeof pipeline.plan !== 'function') return {}
  // plan() checks the graph as run() does: a bad graph fails run() right after with the real error.
  try {
    // openOxis false: the page draws no state, and a user's Oxi must not be opened a second time (its open may connect to something).
    return { plan: pipeline.plan({ workers, openOxis: false }) }
  } catch {
    return {}
  }
}
