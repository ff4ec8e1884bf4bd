import type { Plan, Vertex } from './plan.ts'

/** Host 0 is the thread that started the job; hosts 1..N are its worker threads. */
export type HostId = number

/** Which host runs instance `index` of `vertex`. */
export type Placement = (vertex: Vertex, index: number) => HostId

/**
 * Places instances on hosts: everything on this thread when `workers` is 0. Otherwise a sink
 * with one instance stays on this thread (so `collect()` reaches the caller as it is) unless it
 * may run on a worker (`Sink.workerSafe`: a file or broker sink, whose records then never cross
 * to this thread), and instance i of any other vertex runs on worker
 * 1 + (i mod workers), so the instances of a keyed step spread over all workers and a step's
 * instance i shares its worker with instance i of the steps next to it (forward channels stay local).
 *
 * @example
 * const hostOf = placeInstances(plan, 2); hostOf(plan.vertices[0], 0) // 1
 */
export function placeInstances(plan: Plan, workers: number): Placement {
  if (workers === 0) return () => 0
  return (vertex, index) => {
    const mainSink = vertex.steps.some((s) => s.spec.kind === 'sink' && s.spec.sink.workerSafe !== true)
    if (mainSink && vertex.parallelism === 1) return 0
    return 1 + (index % workers)
  }
}
