import { checkHolders } from '../../persistence/registry/check-holders.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { DeclaredState } from '../contracts/declared-state.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { shown } from '../option-checks.ts'
import type { Oxi } from '../contracts/oxi.ts'
import type { StepNode } from '../graph/step-spec.ts'
import { createOperator } from '../operators/create-operator.ts'
import type { Operator } from '../operators/operator.ts'
import { ProcessOperator } from '../operators/process-operator.ts'
import { NOWHERE, planningContext } from './planning-context.ts'

/** What a description reads of a holder: its id, version, scope and declared dependencies. */
export type HolderSketch = Pick<StateHolder, 'stateId' | 'stateVersion' | 'keyed' | 'dependsOn'>

/** What can be said of one step's state before the job runs. */
export interface StaticState {
  /** The holders its operator would have. */
  readonly holders: readonly HolderSketch[]
  /** What cannot be said without opening something, when something cannot. */
  readonly note?: string
}

/**
 * The state one step keeps, found without running it: its operator is built as an instance
 * would build it (so ids and versions are the operator's own, not a copy of its rules) and
 * asked for `holders()`. A `.process` step's Oxi is made as at run time (a factory is called;
 * an object is used through a copy, so a running job's Oxi is not touched) and its `open(ctx)`
 * runs, because that is where `ctx.state` is declared; nothing else of it runs (`openOxis`
 * false: it is not made, and the note says its state is not described). A source's or a
 * sink's state lives in the reader or writer it opens, and neither is opened: their state is
 * what the source or sink declares (`Source.state`, `Sink.state`: a sink's as a job with
 * checkpoints holds it), and without a declaration it is not described and the note says so.
 *
 * @example
 * staticState('orders', step, 2, 128).holders.map((h) => h.stateId) // ['count/state.n']
 */
export function staticState(pipelineId: string, step: StepNode, parallelism: number, maxKeyGroups: number, openOxis = true): StaticState {
  const spec = step.spec
  if (spec.kind === 'source') return declared(step.name, 'Source', spec.source.state, SOURCE_NOTE)
  if (spec.kind === 'sink') return declared(step.name, 'Sink', spec.sink.state, SINK_NOTE)
  const ctx = planningContext(pipelineId, step, 0, parallelism, maxKeyGroups)
  if (spec.kind !== 'process') return { holders: holdersOf(createOperator(ctx, NOWHERE), step) }
  if (!openOxis) return { holders: [], note: UNOPENED_NOTE }
  const op = new ProcessOperator(ctx, planningOxi(spec.oxi), NOWHERE)
  const opened = op.open()
  if (!(opened instanceof Promise)) return { holders: holdersOf(op, step) }
  // An async open goes on after this returns; a rejection would be unhandled (and end the
  // process) — at run time the same open fails the job, where it is reported.
  opened.catch(() => undefined)
  return { holders: holdersOf(op, step), note: ASYNC_OPEN_NOTE }
}

/** The holders a source or sink declares, as its reader or writer would register them; the note when it declares none. */
function declared(step: string, contract: string, state: readonly DeclaredState[] | undefined, note: string): StaticState {
  if (state === undefined) return { holders: [], note }
  // Types do not reach a JavaScript source: a wrong shape is named here, not as a TypeError further on.
  if (!(Array.isArray(state) && state.every(isDeclaredState))) {
    throw new InvalidOptionError('state', `step '${step}': ${contract}.state must be an array of { name, version, dependsOn? } ` +
      `with name a non-empty string without '/', version a string and dependsOn an array of state ids (got ${shown(state)})`)
  }
  return {
    holders: state.map((d): HolderSketch => ({
      stateId: `${step}/${d.name}`,
      stateVersion: d.version,
      ...(d.dependsOn !== undefined && { dependsOn: [...d.dependsOn] }),
    })),
  }
}

function isDeclaredState(d: unknown): boolean {
  const { name, version, dependsOn } = (d ?? {}) as Partial<DeclaredState>
  return typeof name === 'string' && /^[^/]+$/.test(name) && typeof version === 'string' &&
    (dependsOn === undefined || (Array.isArray(dependsOn) && dependsOn.every((id) => typeof id === 'string')))
}

/** The operator's holders, checked as a job checks them when it registers them (an Oxi's are user code). */
function holdersOf(op: Operator, step: StepNode): StateHolder[] {
  return op.holders ? checkHolders(step.name, step.spec.kind === 'process' ? "its Oxi's holders()" : 'its holders()', op.holders()) : []
}

/**
 * The Oxi of a described `.process` step: a factory's fresh one, or a copy whose own fields
 * are its own (what `open` assigns stays off the object a running instance may be using).
 */
function planningOxi(oxi: Oxi | (() => Oxi)): Oxi {
  return typeof oxi === 'function' ? oxi() : Object.create(oxi) as Oxi
}

const SOURCE_NOTE = 'a source keeps its state (a read position, when it has one) in the reader it opens, the plan opens nothing, and this source does not declare it (Source.state): ' +
  'it is not described, and the restore levels leave it out (a run restores it before the state downstream of it)'
const SINK_NOTE = 'a sink keeps its state (output staged for a commit, when it has any) in the writer it opens, the plan opens nothing, and this sink does not declare it (Sink.state): ' +
  'it is not described, and the restore levels leave it out (a run restores it after the state upstream of it)'
const UNOPENED_NOTE = "a .process step declares its state (ctx.state) in its Oxi's open(ctx), which this description did not run (openOxis: false): it is not described"

const ASYNC_OPEN_NOTE = 'open(ctx) returned a promise: the ctx.state declared before its first await are described, any declared after it are not'
