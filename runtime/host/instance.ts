import { checkHolders } from '../../persistence/registry/check-holders.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { SourceReader } from '../contracts/source.ts'
import type { StepNode } from '../graph/step-spec.ts'
import type { Operator } from '../operators/operator.ts'
import type { Vertex } from '../plan/plan.ts'
import type { Actor } from './actor.ts'
import type { Router } from './router.ts'
import type { SourceActor } from './source-actor.ts'
import type { StepCounters } from './step-counters.ts'

/**
 * One parallel instance of a vertex on a host, with what runs it: its operator chain, its
 * counters, its router, and either an actor (inputs) or a source actor and reader (a source).
 *
 * @example
 * for (const inst of host.instances) console.log(inst.vertex.id, inst.index)
 */
export interface Instance {
  readonly vertex: Vertex
  readonly index: number
  readonly operators: Operator[]
  readonly counters: Map<StepNode, StepCounters>
  router: Router | undefined
  actor: Actor | undefined
  source: SourceActor | undefined
  reader: SourceReader<unknown> | undefined
}

/**
 * Every state holder of one instance: its operators', sinks' and its source reader's.
 *
 * @example
 * const ids = holdersOf(inst).map((h) => h.stateId)
 */
export function holdersOf(inst: Instance): StateHolder[] {
  const hs: StateHolder[] = []
  for (const op of inst.operators) for (const h of op.holders?.() ?? []) hs.push(h)
  for (const h of inst.reader?.holders?.() ?? []) hs.push(h)
  return hs
}

/**
 * `holdersOf`, each list checked against the StateHolder contract (InvalidHolderError naming the
 * step): an Oxi, a reader or a writer may be user code. For the job's registration of its
 * holders, at start, before any record flows; checkpoints then use `holdersOf`.
 *
 * @example
 * const entries = checkedHoldersOf(inst).map((h) => holderEntryOf(h, range))
 */
export function checkedHoldersOf(inst: Instance): StateHolder[] {
  const hs: StateHolder[] = []
  const steps = inst.vertex.steps
  // The chain has one operator per step of the vertex, in the same order.
  inst.operators.forEach((op, i) => {
    if (!op.holders) return
    const step = steps[i] ?? steps[steps.length - 1]
    const from = step.spec.kind === 'process' ? "its Oxi's holders()" : step.spec.kind === 'sink' ? "its sink writer's holders()" : 'its holders()'
    for (const h of checkHolders(step.name, from, op.holders())) hs.push(h)
  })
  if (inst.reader?.holders) for (const h of checkHolders(steps[0].name, "its source reader's holders()", inst.reader.holders())) hs.push(h)
  return hs
}
