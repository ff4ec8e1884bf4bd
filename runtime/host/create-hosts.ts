import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { channelPairs } from '../plan/channel-pairs.ts'
import { LocalHost } from './local-host.ts'
import type { Host } from './host.ts'
import { placeInstances } from '../plan/placement.ts'
import { planFingerprint } from '../plan/plan-fingerprint.ts'
import type { Plan } from '../plan/plan.ts'
import type { JobOptions } from '../job/run-options.ts'
import { serveStore } from '../worker/store-port.ts'
import { WorkerHost } from '../worker/worker-host.ts'

/**
 * The hosts of a job: this thread, plus one worker thread per `workers`. Every channel whose
 * two instances are on different hosts gets its own MessageChannel, one port to each side, so
 * keyed exchange goes worker to worker, never through this thread.
 */
export function createHosts(plan: Plan, options: JobOptions): Host[] {
  const placement = placeInstances(plan, options.workers)
  const ports: Map<string, MessagePort>[] = Array.from({ length: options.workers + 1 }, () => new Map())
  for (const pair of channelPairs(plan)) {
    const a = placement(pair.edge.from, pair.from)
    const b = placement(pair.edge.to, pair.to)
    if (a === b) continue
    const { port1, port2 } = new MessageChannel()
    ports[a].set(pair.id, port1)
    ports[b].set(pair.id, port2)
  }
  const cp = options.checkpointing
  const local = new LocalHost(plan, {
    host: 0, placement, ports: ports[0], clock: options.clock, batchSize: options.batchSize, channelCapacity: options.channelCapacity,
    ...(cp && { checkpoints: { store: new PipelineCheckpoints(cp.store, plan.pipelineId), codec: cp.codec } }),
  })
  const fingerprint = planFingerprint(plan)
  const workers = Array.from({ length: options.workers }, (_, i) => new WorkerHost({
    host: i + 1, pipelineId: plan.pipelineId, module: options.module!, params: options.params, workers: options.workers,
    batchSize: options.batchSize, channelCapacity: options.channelCapacity, maxKeyGroups: options.maxKeyGroups,
    fingerprint, ports: Object.fromEntries(ports[i + 1]),
    ...(cp && { checkpoints: { store: storePort(cp.store), description: cp.store.describe(), codec: cp.codec } }),
  }))
  return [local, ...workers]
}

/** A port to the job's store for one worker host (it never opens the store itself). */
function storePort(store: Parameters<typeof serveStore>[0]): MessagePort {
  const { port1, port2 } = new MessageChannel()
  serveStore(store, port1)
  return port2
}
