import type { Job } from '../contracts/job.ts'
import type { PipelineGraph } from '../graph/pipeline-graph.ts'
import { createHosts } from '../host/create-hosts.ts'
import { handToTaker } from '../modules/module-runs.ts'
import { planGraph } from '../plan/plan.ts'
import { resolveHeartbeat } from '../run-state/run-state-options.ts'
import { RecordedJob } from './recorded-job.ts'
import { openRunStore, resolveRunOptions, type RunOptions } from './run-options.ts'
import { RunningJob } from './running-job.ts'

/**
 * Validates, plans and starts a pipeline graph (what `Pipeline.run` calls). Where oxiflow loaded
 * the module itself (`oxiflow run`, a worker host) it starts nothing here and hands the graph to
 * that loader (see takeRuns).
 *
 * @example
 * const job = startJob(graph, { workers: 0 }); const summary = await job.done
 */
export function startJob(graph: PipelineGraph, options: RunOptions): Job {
  return handToTaker(graph, (o) => launch(graph, o)) ?? launch(graph, options)
}

function launch(graph: PipelineGraph, options: RunOptions): Job {
  // Resolution only checks; the store is opened here, once the options are known to be valid.
  const resolved = openRunStore(resolveRunOptions(options))
  graph.validate()
  const plan = planGraph(graph, resolved)
  const cp = resolved.checkpointing
  const heartbeatMs = resolveHeartbeat(options)
  const makeHosts = () => createHosts(plan, resolved)
  if (!cp) return new RunningJob(plan, makeHosts, resolved)
  // A job with a store keeps its run record there (docs/architecture.md, "Run records"); one without a store keeps none.
  return new RecordedJob(plan, cp.store, { workers: resolved.workers, heartbeatMs, stopPollMs: 1000 },
    (events) => new RunningJob(plan, makeHosts, resolved, events))
}
