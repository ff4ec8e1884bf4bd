import type { KeyGroupRange } from './key-group-range.ts'

/**
 * What a job will look like, described before it runs (`oxiflow plan`, `p.plan(options)`, the
 * run record, the live page): its steps, how they fuse into actors, where the instances run,
 * the exchanges between actors and each stateful step's state with its restore level. Plain
 * JSON: no functions, no store URL.
 *
 * @example
 * const d = p.plan({ workers: 2 }); d.steps.map((s) => `${s.name} → actor ${s.actor}`)
 */
export interface PlanDescription {
  readonly format: 1
  readonly pipelineId: string
  /** Worker threads asked for (0: everything on the main thread). */
  readonly workers: number
  readonly maxKeyGroups: number
  /** Every step in pipeline order, side-output sinks the planner added last. */
  readonly steps: readonly StepDescription[]
  /** The fused chains (vertices), in topological order. */
  readonly actors: readonly ActorDescription[]
  /** Edges between actors; steps fused into one actor pass records by a plain call (no exchange). */
  readonly exchanges: readonly ExchangeDescription[]
  /**
   * The order state is restored in: level 0 first, each level's state ids restored together
   * (a step's state after the state of the stateful steps upstream of it, plus declared `dependsOn`).
   */
  readonly restoreLevels: readonly (readonly string[])[]
}

/** One step of the plan. */
export interface StepDescription {
  readonly name: string
  /** `source`, `map`, `filter`, `flatMap`, `mapAsync`, `batch`, `process`, `reduce`, `union`, `window`, `sink`. */
  readonly kind: string
  /** What it is beyond its kind: a source's or sink's description, a window's kind and size. */
  readonly detail?: string
  /** The steps it reads from. */
  readonly inputs: readonly string[]
  /** The actor (vertex) that runs it. */
  readonly actor: number
  readonly parallelism: number
  /** True when its input is keyed (keyBy before it): its instances own key-group ranges. */
  readonly keyed: boolean
  /** The state it keeps; empty for a stateless step. */
  readonly state: readonly StateDescription[]
  /**
   * What `state` cannot say because it would take opening something (added after format 1 was
   * fixed, optional): the state of a source or sink that does not declare it (`Source.state`,
   * `Sink.state`: it lives in the reader or writer it opens, and the plan opens nothing), or the
   * `ctx.state` an Oxi's async `open` declares after its first await. Absent when `state` is complete.
   */
  readonly stateNote?: string
}

/** One piece of a step's state, as its checkpoints hold it. */
export interface StateDescription {
  /** `<step>/<name>`, the id in checkpoint manifests. */
  readonly stateId: string
  /** Semver of the state's format; a restore checks it. */
  readonly version: string
  /** `keyed`: per key, split by key group (rescalable); `operator`: one per instance (a holder). */
  readonly scope: 'keyed' | 'operator'
  readonly dependsOn: readonly string[]
  readonly restoreLevel: number
}

/** A chain of fused steps and its parallel instances. */
export interface ActorDescription {
  readonly id: number
  /** Head first. */
  readonly steps: readonly string[]
  readonly parallelism: number
  readonly instances: readonly InstanceDescription[]
}

/** Where one parallel instance of an actor runs. */
export interface InstanceDescription {
  readonly index: number
  /** `main` (the thread that started the job) or `worker N` (1-based). */
  readonly host: string
  /** The key groups it owns, when its head step is keyed. */
  readonly keyGroups?: KeyGroupRange
}

/** An edge between two actors. */
export interface ExchangeDescription {
  /** The last step of the sending actor, and the head step of the receiving one. */
  readonly from: string
  readonly to: string
  readonly fromActor: number
  readonly toActor: number
  /**
   * `forward`: instance i to instance i; `rebalance`: whole batches round robin; `pinned`:
   * sender i to receiver i mod P; `hash`: by key group to the owning instance.
   */
  readonly partitioning: 'forward' | 'rebalance' | 'pinned' | 'hash'
  /** True when some sender and receiver instance pair runs on different threads (batches are encoded and posted). */
  readonly crossesThreads: boolean
  /** A side edge: dead letters or late records into a side-output sink. */
  readonly side?: true
}
