import type { Sink } from '../contracts/sink.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import type { StepName, StepNode } from '../graph/step-spec.ts'
import type { PipelineGraph } from '../graph/pipeline-graph.ts'
import type { Maybe } from '../maybe.ts'
import type { DeadLetter } from '../graph/step-options.ts'

// Why side-output sinks (dead letters, a window's late records) are sink steps of the plan, not
// writers a step opens on the side: they are output, and output is exactly-once only where
// barriers reach the writer, its holder is in the checkpoint and it commits after the manifest. A
// writer per step and instance (what this replaced) had none of that — every split and host
// opened and truncated the same file, a restore truncated it again (or kept what the checkpoint
// had not committed), and two steps sharing a sink kept one's records. As a plan vertex
// (parallelism 1, placed like any one-instance sink: on the main thread) fed by a side edge from
// every vertex whose steps send to it, the sink gets barriers, alignment, two-phase commit,
// restore and rescaling from the code every sink uses, with nothing of its own.

/** What a step sends to a side-output sink: its dead letters (`onError: { deadLetter }`) or a window's late records (`.lateTo`). */
export type SideOutputKind = 'deadLetters' | 'late'

/** Where a step's side output goes: its vertex's side edge into the side-output sink step. */
export type SideOutlet = (records: unknown[]) => Maybe<void>

/** One side output a step declares. */
export interface SideOutput {
  readonly kind: SideOutputKind
  readonly sink: Sink<unknown>
  /** The sink step's name, when the step gives one (`onError: { deadLetter, name }`). */
  readonly name?: string
}

/**
 * The side outputs of `step`, dead letters first: its `{ deadLetter }` policy's sink and, for a
 * window step, its `.lateTo` sink.
 *
 * @example
 * sideOutputsOf(step).map((o) => o.kind) // ['deadLetters', 'late']
 */
export function sideOutputsOf(step: StepNode): SideOutput[] {
  const out: SideOutput[] = []
  const policy = deadLetterPolicyOf(step)
  if (policy) out.push({ kind: 'deadLetters', sink: policy.deadLetter as Sink<unknown>, ...(policy.name !== undefined && { name: policy.name }) })
  if (step.spec.kind === 'window' && step.spec.lateTo) out.push({ kind: 'late', sink: step.spec.lateTo })
  return out
}

/**
 * The side-output sink steps of a graph, one per distinct sink object that steps send dead
 * letters or late records to (in the order of the first step sending to each). Each is named by
 * `onError: { deadLetter, name }`, else after the first step sending to it: `<step>-dead-letter`
 * or `<window step>-late`. Its state is stored under that name, so renaming that step moves it
 * (give `name` to keep a dead-letter step's stable). Its `inputs` are the steps sending to it.
 * Deterministic: every host derives the same steps.
 *
 * @example
 * sideOutputSteps(p.graph).map((s) => s.name) // ['parse-dead-letter', 'per-minute-late']
 */
export function sideOutputSteps(graph: PipelineGraph): StepNode[] {
  const groups = new Map<Sink<unknown>, Group>()
  for (const step of graph.steps) {
    for (const output of sideOutputsOf(step)) {
      let group = groups.get(output.sink)
      if (!group) groups.set(output.sink, group = { first: { step, kind: output.kind }, deadLetters: [], late: [] })
      const producers = group[output.kind]
      if (!producers.includes(step)) producers.push(step)
      if (output.name === undefined) continue
      if (group.name !== undefined && group.name !== output.name) {
        throw new PipelineDefinitionError(`pipeline '${graph.id}': steps '${group.namedBy}' and '${step.name}' send dead letters to the same sink ` +
          `(${output.sink.description}) but name its step '${group.name}' and '${output.name}'; give it one name, or name it on one step only`, step.name)
      }
      group.name = output.name
      group.namedBy = step.name
    }
  }
  const taken = new Map<string, StepNode>(graph.steps.map((s) => [s.name, s]))
  const steps: StepNode[] = []
  for (const [sink, group] of groups) {
    const { step: first, kind } = group.first
    const name = group.name ?? `${first.name}${kind === 'late' ? '-late' : '-dead-letter'}`
    const clash = taken.get(name)
    if (clash) {
      const fix = group.name === undefined && kind === 'late'
        ? `rename step '${name}' or the window step '${first.name}'`
        : `name the dead-letter step with onError: { deadLetter, name: '${name}-2' }`
      const what = group.late.length === 0 ? `dead-letter sink of ${quoted(group.deadLetters)}`
        : group.deadLetters.length === 0 ? `late-record sink of ${quoted(group.late)}` : `sink of the ${describe(group)}`
      throw new PipelineDefinitionError(`pipeline '${graph.id}': the ${what} is a step named '${name}', ` +
        `but that name is taken by a ${clash.spec.kind} step; ${fix}`, name)
    }
    const inputs = graph.steps.filter((s) => group.deadLetters.includes(s) || group.late.includes(s))
    const sideOutputOf = { deadLetters: group.deadLetters.map((s) => s.name), late: group.late.map((s) => s.name) }
    const node: StepNode = {
      name, index: graph.steps.length + steps.length, spec: { kind: 'sink', sink, sideOutputOf },
      inputs, partitioning: { kind: 'forward' }, key: undefined, options: {},
    }
    taken.set(name, node)
    steps.push(node)
  }
  return steps
}

/** What the side-output sink step of `sink` writes, for messages ("the dead letters of 'a' and the late records of 'w'"); undefined if no step sends to it. */
export function describeSideOutput(graph: PipelineGraph, sink: Sink<unknown>): string | undefined {
  const group: Senders = { deadLetters: [], late: [] }
  for (const step of graph.steps) for (const o of sideOutputsOf(step)) if (o.sink === sink && !group[o.kind].includes(step)) group[o.kind].push(step)
  return group.deadLetters.length + group.late.length === 0 ? undefined : `the ${describe(group)}`
}

/** The step's `{ deadLetter }` policy, or undefined when it has another one. */
export function deadLetterPolicyOf(step: StepNode): { readonly deadLetter: Sink<DeadLetter>; readonly name?: string } | undefined {
  const policy = step.options.onError
  return typeof policy === 'object' && 'deadLetter' in policy ? policy : undefined
}

/** The steps sending to one side-output sink, by what they send. */
type Senders = Record<SideOutputKind, StepNode[]>

interface Group extends Senders {
  readonly first: { readonly step: StepNode; readonly kind: SideOutputKind }
  name?: string
  namedBy?: StepName
}

function describe(group: Senders): string {
  const list = (steps: readonly StepNode[]): string => steps.map((s) => `'${s.name}'`).join(', ')
  const parts: string[] = []
  if (group.deadLetters.length > 0) parts.push(`dead letters of ${list(group.deadLetters)}`)
  if (group.late.length > 0) parts.push(`late records of ${list(group.late)}`)
  return parts.join(' and the ')
}

function quoted(steps: readonly StepNode[]): string {
  return `step${steps.length > 1 ? 's' : ''} ${steps.map((s) => `'${s.name}'`).join(', ')}`
}
