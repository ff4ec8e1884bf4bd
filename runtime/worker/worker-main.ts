// The worker-thread side of a host: imports the pipeline module again, plans it, and runs the
// instances placed on this thread. Driven by the coordinator over comlink (HostApi).
import { parentPort } from 'node:worker_threads'
import { systemClock } from '../clock.ts'
import { LocalHost } from '../host/local-host.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import { placeInstances } from '../plan/placement.ts'
import { planFingerprint } from '../plan/plan-fingerprint.ts'
import { planGraph } from '../plan/plan.ts'
import type { PipelineGraph } from '../graph/pipeline-graph.ts'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { HostCheckpoints } from '../checkpoint/host-checkpoints.ts'
import { expose, nodeEndpoint } from './comlink.ts'
import { rebuildError, serializeError, type SerializedError } from './error-transport.ts'
import type { HostApi, HostSpec, Outcome } from './host-spec.ts'
import { storeOverPort } from './store-port.ts'
import { loadModule } from '../modules/load-module.ts'

let host: LocalHost | undefined

async function attempt(f: () => Promise<void> | void): Promise<SerializedError | undefined> {
  try {
    await f()
    return undefined
  } catch (e) {
    return serializeError(e)
  }
}

/** A call's value, or its error serialized for the coordinator. */
async function outcome<T>(f: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() }
  } catch (e) {
    return { ok: false, error: serializeError(e) }
  }
}

function outcomeNow<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() }
  } catch (e) {
    return { ok: false, error: serializeError(e) }
  }
}

/** The host's checkpoint side; the coordinator only calls these when the job takes checkpoints. */
function checkpoints(): HostCheckpoints {
  const c = host?.checkpoints
  if (!c) throw new Error('this worker host takes no checkpoints (deployed without a store, or not deployed)')
  return c
}

/**
 * The running pipeline's graph, rebuilt from its module: the pipeline of that id the module ran
 * itself, or else the default export (called with the params when it is a function). A run()
 * here starts nothing and its job never finishes, so the module's code after it does not run in
 * this thread. Duck-typed: the module may have its own copy of the runtime.
 */
async function loadGraph(spec: HostSpec): Promise<PipelineGraph> {
  const where = `worker ${spec.host}: ${spec.module}`
  const { exported, ran, loading } = await loadModule(spec.module, { keepTaking: true })
  // The running pipeline, when the module ran it, even if its default export is another one.
  const graph = ran.find((r) => r.id === spec.pipelineId)?.graph ?? (await built(exported, spec.params))?.graph
  if (!graph || typeof graph.validate !== 'function') {
    if (ran.length > 0) throw ranOther(where, ran.map((r) => r.id), spec.pipelineId, loading)
    throw new PipelineDefinitionError(`${where}: the default export is not a pipeline; ` +
      'export the pipeline (or a function of params returning it) as default, or run it in the module with run({ workers, module: import.meta.url })')
  }
  if (graph.id !== spec.pipelineId) {
    throw new PipelineDefinitionError(`${where} exports pipeline '${graph.id}' but '${spec.pipelineId}' is running; ` +
      'export the running pipeline as the module default')
  }
  return graph
}

/** The default export, called with the params when it is a function. */
async function built(exported: unknown, params: unknown): Promise<{ graph?: PipelineGraph } | undefined> {
  return (typeof exported === 'function' ? await (exported as (p: unknown) => unknown)(params) : exported) as { graph?: PipelineGraph } | undefined
}

/**
 * The module ran other pipelines than the running one. Still loading, it waits for the last one's
 * job, which never finishes in a worker host: the code that runs the running one is never reached.
 */
function ranOther(where: string, ran: readonly string[], running: string, loading: boolean): PipelineDefinitionError {
  const names = ran.map((id) => `'${id}'`).join(', ')
  return new PipelineDefinitionError(loading
    ? `${where} ran pipeline ${names} and waits for it there, but '${running}' is running: in a worker host a run() starts ` +
      `nothing and its job never finishes, so the module never reaches '${running}'; a module run on workers must run ` +
      `the running pipeline first: give '${running}' its own module, or start it before awaiting another job`
    : `${where} ran pipeline ${names}, not '${running}', which is running; a module run on workers must build the running ` +
      `pipeline every time it is imported: give '${running}' its own module, or export it as default`)
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
    host = new LocalHost(plan, {
      host: spec.host, placement: placeInstances(plan, spec.workers), ports: new Map(Object.entries(spec.ports)),
      clock: systemClock(), batchSize: spec.batchSize, channelCapacity: spec.channelCapacity,
      ...(spec.checkpoints && {
        checkpoints: { store: new PipelineCheckpoints(storeOverPort(spec.checkpoints.store, spec.checkpoints.description), spec.pipelineId), codec: spec.checkpoints.codec },
      }),
    })
    await host.open()
  }),
  run: () => attempt(() => host!.run()),
  stop: () => host?.stop(),
  cancel: (reason) => host?.cancel(rebuildError(reason)),
  stats: () => host?.stats() ?? [],
  results: async () => host ? host.results() : { results: {}, deadLetters: {} },
  close: () => attempt(() => host?.close()),
  prepare: (id, bases) => checkpoints().prepare(id, bases),
  pauseSources: () => outcome(() => checkpoints().pauseSources()),
  injectBarrier: (barrier, cuts, stopAfter) => checkpoints().injectBarrier(barrier, cuts, stopAfter),
  entries: (id) => outcome(() => checkpoints().entries(id)),
  abandon: (id) => checkpoints().abandon(id),
  commit: (id, last) => outcome(() => checkpoints().commit(id, last)),
  holders: () => outcomeNow(() => checkpoints().holders()),
  readForRestore: (manifest) => outcome(() => checkpoints().readForRestore(manifest)),
  dropRestoreReads: () => checkpoints().dropRestoreReads(),
  restoreLevel: (manifest, level) => outcome(() => checkpoints().restoreLevel(manifest, level)),
  startAt: (cuts, ended, rewound) => checkpoints().startAt(cuts, ended, rewound),
}

expose(api, nodeEndpoint(parentPort!))
