import type { StateStore } from '../../persistence/stores/state-store.ts'
import type { Pipeline } from '../builder/pipeline.ts'
import type { RunOptions } from '../job/run-options.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { checkName, checkObject, checkPositiveInt, invalidOption } from '../option-checks.ts'

/** What happened to a partition in this runner (`onEvent`). */
export interface PartitionEvent {
  /** acquired: its lease was taken and its job started (restored from its latest checkpoint, if any); completed: it ran to its end; handed-over: stopped with a final checkpoint for another runner's fair share (told once stopped; a job that reached its end first is 'completed' instead); lost: its lease was taken by another runner (told once its job stopped). */
  readonly kind: 'acquired' | 'completed' | 'handed-over' | 'lost'
  readonly partition: number
  readonly runner: string
  /** With `acquired`: the checkpoint the partition's job restored (undefined: fresh start). */
  readonly checkpointId?: number
}

/** Options of `partitions.run`. */
export interface PartitionRunOptions {
  /** Names the group in the store (leases `partitions/<group>/…`); every runner of the group uses the same. */
  readonly group: string
  /** How many partitions the input is split into (e.g. subjects `orders.0` … `orders.3`). */
  readonly partitions: number
  /** The store every runner of the group shares: leases, done markers and each partition's checkpoints. */
  readonly store: StateStore | string
  /** Builds partition p's pipeline; its id must differ per partition (e.g. `orders-p${p}`), so each has its own checkpoints. */
  readonly pipeline: (partition: number) => Pipeline<any>
  /** Run options of every partition's job (store and restore are set by the runner). */
  readonly run?: Omit<RunOptions, 'store' | 'restore'>
  /** How long a partition or membership lease lasts without renewal (default 15 000 ms; renewed every poll). */
  readonly ttlMs?: number
  /** How often the runner renews, looks for free partitions and balances (default 500 ms). */
  readonly pollMs?: number
  /** This runner's id (default `OXIFLOW_RUNNER_ID`, or host:pid). */
  readonly runner?: string
  readonly onEvent?: (event: PartitionEvent) => void
}

/** Checks the options up front, naming the option and its rule. */
export function checkPartitionOptions(options: PartitionRunOptions): void {
  const component = 'partitions.run'
  checkObject(component, options, "{ group: 'orders', partitions: 4, store: '.oxiflow', pipeline: (p) => build(p) }")
  checkName(component, 'group', options.group, 'a name of letters, digits, ., _, ~ or -', /^[A-Za-z0-9._~-]+$/)
  if (!(Number.isSafeInteger(options.partitions) && options.partitions > 0)) {
    throw invalidOption(component, 'partitions', 'a positive integer', options.partitions)
  }
  if (typeof options.pipeline !== 'function') {
    throw invalidOption(component, 'pipeline', 'a function of the partition number returning its Pipeline', options.pipeline)
  }
  if (typeof options.store !== 'string' && (typeof options.store !== 'object' || options.store === null || typeof options.store.lease !== 'function')) {
    throw invalidOption(component, 'store', 'a StateStore or a store path/URL shared by every runner', options.store)
  }
  checkPositiveInt(component, 'ttlMs', options.ttlMs)
  checkPositiveInt(component, 'pollMs', options.pollMs)
  if (options.runner !== undefined) checkName(component, 'runner', options.runner)
  if (options.run !== undefined && (('store' in options.run) || ('restore' in options.run))) {
    throw new InvalidOptionError('run', `${component}: options.run must not set store or restore — every partition job uses options.store and restores its latest checkpoint`)
  }
}
