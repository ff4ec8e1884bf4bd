// The worker-thread side of a host: imports the pipeline module again, plans it, and runs the
// instances placed on this thread. Driven by the coordinator over comlink (HostApi).
import { parentPort } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'
import { systemClock } from '../clock.ts'
import { Deployment } from '../deployment.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import { placeInstances } from '../placement.ts'
import { planFingerprint } from '../plan-fingerprint.ts'
import { planGraph } from '../plan.ts'
import type { PipelineGraph } from '../pipeline-graph.ts'
import { expose, nodeEndpoint } from './comlink.ts'
import { rebuildError, serializeError, type SerializedError } from './error-transport.ts'
import type { HostApi, HostSpec } from './host-spec.ts'

let deployment: Deployment | undefined

async function attempt(f: () => Promise<void> | void): Promise<SerializedError | undefined> {
  try {
    await f()
    return undefined
  } catch (e) {
    return serializeError(e)
  }
}

/** The module's default export, called with the params when it is a function; duck-typed, as the module has its own copy of the runtime. */
async function loadGraph(spec: HostSpec): Promise<PipelineGraph> {
  const mod = await tsImport(spec.module, import.meta.url) as { default?: unknown }
  let exported = mod.default
  if (typeof exported === 'function') exported = await (exported as (p: unknown) => unknown)(spec.params)
  const graph = (exported as { graph?: PipelineGraph } | undefined)?.graph
  if (!graph || typeof graph.validate !== 'function') {
    throw new PipelineDefinitionError(`worker ${spec.host}: the default export of ${spec.module} is not a pipeline; ` +
      'export the pipeline (or a function of params returning it) as default')
  }
  if (graph.id !== spec.pipelineId) {
    throw new PipelineDefinitionError(`worker ${spec.host}: ${spec.module} exports pipeline '${graph.id}' but '${spec.pipelineId}' is running; ` +
      'export the running pipeline as the module default')
  }
  return graph
}

const api: HostApi = {
  deploy: (spec) => attempt(async () => {
    const graph = await loadGraph(spec)
    graph.validate()
    const plan = planGraph(graph, { workers: spec.workers, maxKeyGroups: spec.maxKeyGroups })
    if (planFingerprint(plan) !== spec.fingerprint) {
      throw new PipelineDefinitionError(`worker ${spec.host}: importing ${spec.module} again built a different pipeline; ` +
        'building the pipeline must be deterministic and side-effect free (no random names, no steps depending on time or I/O)')
    }
    deployment = new Deployment(plan, {
      host: spec.host, placement: placeInstances(plan, spec.workers), ports: new Map(Object.entries(spec.ports)),
      clock: systemClock(), batchSize: spec.batchSize, channelCapacity: spec.channelCapacity,
    })
    await deployment.open()
  }),
  run: () => attempt(() => deployment!.run()),
  stop: () => deployment?.stop(),
  cancel: (reason) => deployment?.cancel(rebuildError(reason)),
  stats: () => deployment?.stats() ?? [],
  results: async () => deployment ? deployment.results() : { results: {}, deadLetters: {} },
  close: () => attempt(() => deployment?.close()),
}

expose(api, nodeEndpoint(parentPort!))
