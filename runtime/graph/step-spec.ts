import type { Oxi } from '../contracts/oxi.ts'
import type { Sink } from '../contracts/sink.ts'
import type { Source } from '../contracts/source.ts'
import type { Window, WindowOutput } from '../contracts/window.ts'
import type { StepOptions } from './step-options.ts'

/** A step's stable name: `[A-Za-z0-9_-]+`, unique in its pipeline. */
export type StepName = string & { readonly __brand?: 'StepName' }

/** Extracts the key records are partitioned by. */
export type KeySelector = (record: any) => unknown

/** What a step does, by kind. The builder creates these; the planner and the actors read them. */
export type StepSpec =
  | { readonly kind: 'source'; readonly source: Source<unknown> }
  | { readonly kind: 'map'; readonly fn: (record: any) => unknown }
  | { readonly kind: 'mapAsync'; readonly fn: (record: any) => Promise<unknown> | unknown; readonly concurrency: number }
  | { readonly kind: 'filter'; readonly fn: (record: any) => unknown }
  | { readonly kind: 'flatMap'; readonly fn: (record: any) => Iterable<unknown> }
  | { readonly kind: 'batch'; readonly size: number; readonly maxWaitMs: number | undefined }
  | { readonly kind: 'process'; readonly oxi: Oxi | (() => Oxi) }
  | { readonly kind: 'reduce'; readonly fn: (acc: any, record: any) => unknown; readonly init: () => unknown }
  | { readonly kind: 'union' }
  /**
   * `.window(windowName, window)` then `.aggregate/.reduce/.collect(name, …)`: one stateful step
   * named by the second call. Keyed after keyBy, else unkeyed (key null, one instance).
   */
  | { readonly kind: 'window'; readonly window: Window; readonly windowName: string; readonly output: WindowOutput; readonly lateTo: Sink<unknown> | undefined }
  /**
   * `sideOutputOf`: a side-output sink step the planner added (see `sideOutputSteps`), writing
   * the dead letters and late records of these steps; absent for the pipeline's own `.sink` steps.
   */
  | { readonly kind: 'sink'; readonly sink: Sink<unknown>; readonly sideOutputOf?: { readonly deadLetters: readonly StepName[]; readonly late: readonly StepName[] } }

export type StepKind = StepSpec['kind']

/** Kinds that keep no state: fusable into the actor of the step before them. */
export const STATELESS_KINDS: ReadonlySet<StepKind> = new Set(['map', 'mapAsync', 'filter', 'flatMap', 'union'])

/** Kinds that need a keyed input (`.keyBy(...)` right before them, or before filters only). */
export const KEYED_KINDS: ReadonlySet<StepKind> = new Set(['reduce'])

/** How records travel from a step to the next. */
export type Partitioning =
  | { readonly kind: 'forward' }
  | { readonly kind: 'hash'; readonly key: KeySelector }

/** One node of the logical graph: a step, where its input comes from, and its options. */
export interface StepNode {
  readonly name: StepName
  /** Position in the pipeline (0-based, in the order steps were added). */
  readonly index: number
  readonly spec: StepSpec
  readonly inputs: readonly StepNode[]
  /** Partitioning of the edge from the inputs (hash for the step right after keyBy). */
  readonly partitioning: Partitioning
  /** The keyBy key of this step's input records, when the input is keyed. */
  readonly key: KeySelector | undefined
  readonly options: StepOptions
}
