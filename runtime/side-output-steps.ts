import type { Sink } from './contracts/sink.ts'
import { PipelineDefinitionError } from './errors/pipeline-definition-error.ts'
import type { StepNode } from './graph.ts'
import type { PipelineGraph } from './pipeline-graph.ts'
import type { DeadLetter } from './step-options.ts'

// Why dead-letter sinks are sink steps of the plan, not writers a step opens on the side:
// dead letters are output, and output is exactly-once only where barriers reach the writer,
// its holder is in the checkpoint and it commits after the manifest. A writer per step and
// instance (what this replaced) had none of that — every split and host opened and truncated
// the same file, a restore truncated it again, and two steps sharing a sink kept one's letters.
// As a plan vertex (parallelism 1, placed like any one-instance sink: on the main thread) fed by a
// side edge from every vertex whose steps name it, the dead-letter sink gets barriers, alignment,
// two-phase commit, restore and rescaling from the code every sink uses, with nothing of its own.

/**
 * The dead-letter sink steps of a graph, one per distinct sink object named by
 * `onError: { deadLetter }` (in the order the steps naming them were added). Each is named by the
 * policy's `name`, else `<first step naming the sink>-dead-letter`: its state is stored under that
 * name, so renaming the first step moves it (give `name` to keep it stable). Its `inputs` are the
 * steps whose dead letters it writes. Deterministic: every host derives the same steps.
 *
 * @example
 * deadLetterSteps(p.graph).map((s) => s.name) // ['parse-dead-letter']
 */
export function deadLetterSteps(graph: PipelineGraph): StepNode[] {
  const groups = new Map<Sink<unknown>, { producers: StepNode[]; name?: string; namedBy?: string }>()
  for (const step of graph.steps) {
    const policy = deadLetterPolicyOf(step)
    if (!policy) continue
    const sink = policy.deadLetter as Sink<unknown>
    let group = groups.get(sink)
    if (!group) groups.set(sink, group = { producers: [] })
    group.producers.push(step)
    if (policy.name === undefined) continue
    if (group.name !== undefined && group.name !== policy.name) {
      throw new PipelineDefinitionError(`pipeline '${graph.id}': steps '${group.namedBy}' and '${step.name}' send dead letters to the same sink ` +
        `(${sink.description}) but name its step '${group.name}' and '${policy.name}'; give it one name, or name it on one step only`, step.name)
    }
    group.name = policy.name
    group.namedBy = step.name
  }
  const taken = new Map<string, StepNode>(graph.steps.map((s) => [s.name, s]))
  const steps: StepNode[] = []
  for (const [sink, group] of groups) {
    const name = group.name ?? `${group.producers[0].name}-dead-letter`
    const clash = taken.get(name)
    if (clash) {
      throw new PipelineDefinitionError(`pipeline '${graph.id}': the dead-letter sink of ${quoted(group.producers)} is a step named '${name}', ` +
        `but that name is taken by a ${clash.spec.kind} step; name the dead-letter step with onError: { deadLetter, name: '${name}-2' }`, name)
    }
    const node: StepNode = {
      name, index: graph.steps.length + steps.length, spec: { kind: 'sink', sink, deadLettersOf: group.producers.map((p) => p.name) },
      inputs: group.producers, partitioning: { kind: 'forward' }, key: undefined, options: {},
    }
    taken.set(name, node)
    steps.push(node)
  }
  return steps
}

/** The step's `{ deadLetter }` policy, or undefined when it has another one. */
export function deadLetterPolicyOf(step: StepNode): { readonly deadLetter: Sink<DeadLetter>; readonly name?: string } | undefined {
  const policy = step.options.onError
  return typeof policy === 'object' && 'deadLetter' in policy ? policy : undefined
}

/** True for a dead-letter sink step the planner added. */
export function isDeadLetterStep(step: StepNode): boolean {
  return step.spec.kind === 'sink' && step.spec.deadLettersOf !== undefined
}

function quoted(steps: readonly StepNode[]): string {
  return `step${steps.length > 1 ? 's' : ''} ${steps.map((s) => `'${s.name}'`).join(', ')}`
}
