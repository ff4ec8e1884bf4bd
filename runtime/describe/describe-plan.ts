import { HolderRegistry } from '../../persistence/registry/holder-registry.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import { dataflowEdges } from '../checkpoint/dataflow-edges.ts'
import { holderEntryOf } from '../checkpoint/holder-entry-of.ts'
import { rangeOf } from '../key-groups/key-group-assignment.ts'
import type { ActorDescription, PlanDescription, StepDescription } from '../plan/plan-description.ts'
import { placeInstances } from '../plan/placement.ts'
import type { Plan } from '../plan/plan.ts'
import { describeExchanges } from './describe-exchanges.ts'
import { staticState, type HolderSketch, type StaticState } from './static-state.ts'
import { stepDetail } from './step-detail.ts'

/** How to describe a plan. */
export interface DescribeOptions {
  readonly workers: number
  /**
   * The holders of the job's open hosts, when it runs (the run record): the state is then theirs,
   * sources' and sinks' included, and no operator is built to find it.
   */
  readonly holders?: readonly HolderEntry[]
  /** False: a `.process` step's Oxi is not made and opened to find its state (see staticState). Default true. */
  readonly openOxis?: boolean
}

/**
 * Describes a physical plan before it runs: its steps in pipeline order, the actors they fuse
 * into with each instance's host and key groups, the exchanges between actors, and each
 * stateful step's state with its restore level. Starts, opens and connects to nothing (see
 * `staticState` for how state is found, and what it cannot find). The restore levels are the
 * holder registry's over the plan's dataflow, as a checkpoint assigns them; a `dependsOn` naming
 * no holder, or a dependency cycle, throws here as it would when the job starts. Given the
 * holders of a running job (`options.holders`), it describes those instead of finding them.
 *
 * @example
 * const d = describePlan(planGraph(graph, { workers: 2, maxKeyGroups: 128 }), { workers: 2 })
 * d.actors.map((a) => `${a.steps.join(' → ')} ×${a.parallelism}`)
 */
export function describePlan(plan: Plan, options: DescribeOptions): PlanDescription {
  const hostOf = placeInstances(plan, options.workers)
  const { states, entries } = options.holders ? runningState(plan, options.holders) : foundState(plan, options.openOxis ?? true)
  const registry = new HolderRegistry(entries, dataflowEdges(plan))
  const steps = plan.vertices.flatMap((v) => v.steps.map((step): StepDescription => {
    const { holders, note } = states.get(step.name) ?? { holders: [] }
    return {
      name: step.name,
      kind: step.spec.kind,
      ...optional('detail', stepDetail(step)),
      inputs: step.inputs.map((s) => s.name),
      actor: v.id,
      parallelism: v.parallelism,
      keyed: step.key !== undefined,
      state: holders.map((h) => ({
        stateId: h.stateId,
        version: h.stateVersion,
        scope: h.keyed === true ? 'keyed' as const : 'operator' as const,
        dependsOn: [...(h.dependsOn ?? [])],
        restoreLevel: registry.level(h.stateId)!,
      })),
      ...optional('stateNote', note),
    }
  }))
  // Vertex order keeps side-output sinks last; step indexes give the pipeline's own order.
  const byIndex = new Map(plan.vertices.flatMap((v) => v.steps.map((s) => [s.name, s.index] as const)))
  steps.sort((a, b) => byIndex.get(a.name)! - byIndex.get(b.name)!)
  const actors = plan.vertices.map((v): ActorDescription => ({
    id: v.id,
    steps: v.steps.map((s) => s.name),
    parallelism: v.parallelism,
    instances: Array.from({ length: v.parallelism }, (_, index) => {
      const host = hostOf(v, index)
      return {
        index,
        host: host === 0 ? 'main' : `worker ${host}`,
        ...(v.steps[0]!.key !== undefined && { keyGroups: rangeOf(index, plan.maxKeyGroups, v.parallelism) }),
      }
    }),
  }))
  return {
    format: 1,
    pipelineId: plan.pipelineId,
    workers: options.workers,
    maxKeyGroups: plan.maxKeyGroups,
    steps,
    actors,
    exchanges: describeExchanges(plan, hostOf),
    restoreLevels: registry.levels().map((level) => [...new Set(level.map((e) => e.stateId))]),
  }
}

/** Each step's state found without running (staticState), and the registry's entries for it. */
function foundState(plan: Plan, openOxis: boolean): { states: Map<string, StaticState>; entries: HolderEntry[] } {
  const states = new Map<string, StaticState>()
  const entries: HolderEntry[] = []
  for (const v of plan.vertices) {
    for (const step of v.steps) {
      const state = staticState(plan.pipelineId, step, v.parallelism, plan.maxKeyGroups, openOxis)
      states.set(step.name, state)
      // One entry per instance and holder, as the job's hosts register them (host-checkpoints.ts).
      for (let i = 0; i < v.parallelism; i++) for (const h of state.holders) entries.push(holderEntryOf(h, rangeOf(i, plan.maxKeyGroups, v.parallelism)))
    }
  }
  return { states, entries }
}

/** Each step's state as a running job's hosts registered it: one sketch per state id, in registration order. */
function runningState(plan: Plan, entries: readonly HolderEntry[]): { states: Map<string, StaticState>; entries: readonly HolderEntry[] } {
  const byStep = new Map<string, Map<string, HolderSketch>>()
  for (const e of entries) {
    const ids = byStep.get(e.step) ?? byStep.set(e.step, new Map()).get(e.step)!
    if (!ids.has(e.stateId)) ids.set(e.stateId, { stateId: e.stateId, stateVersion: e.stateVersion, dependsOn: e.dependsOn, ...(e.keyed === true && { keyed: true }) })
  }
  const states = new Map<string, StaticState>()
  for (const v of plan.vertices) for (const step of v.steps) states.set(step.name, { holders: [...(byStep.get(step.name)?.values() ?? [])] })
  return { states, entries }
}

/** `{ [name]: value }` when the value is there, else nothing: absent fields stay absent in the JSON. */
function optional<N extends string, V>(name: N, value: V | undefined): { [K in N]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [K in N]?: V }
}
