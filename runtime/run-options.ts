import { systemClock, type Clock } from './clock.ts'
import { InvalidOptionError } from './errors/invalid-option-error.ts'
import { DEFAULT_MAX_KEY_GROUPS } from './key-groups/key-group-assignment.ts'

/** Options of `p.run(options)`. */
export interface RunOptions {
  /** Worker threads hosting the actors; 0 (default) runs every actor on this thread. */
  readonly workers?: number
  /** The pipeline module's URL (`import.meta.url`), which worker hosts import again. */
  readonly module?: string
  /** JSON-serialisable parameters the module's default export (a function) was called with; worker hosts call it again with them. */
  readonly params?: unknown
  /** The job's processing-time clock (default: wall clock). Tests pass `virtualClock()`. */
  readonly clock?: Clock
  /** Records a source reads per batch (default 1024). */
  readonly batchSize?: number
  /** Batches a channel holds before its sender waits (default 8): the bound on memory in flight. */
  readonly channelCapacity?: number
  /** Key groups of keyed steps (default 128); fixed for a pipeline's lifetime (it is in the stored format). */
  readonly maxKeyGroups?: number
}

/** RunOptions with defaults applied. */
export interface ResolvedRunOptions {
  readonly workers: number
  readonly module: string | undefined
  readonly params: unknown
  readonly clock: Clock
  readonly batchSize: number
  readonly channelCapacity: number
  readonly maxKeyGroups: number
}

/** Checks run options up front, naming the option and its rule. */
export function resolveRunOptions(options: RunOptions): ResolvedRunOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'run(options): options must be an object, e.g. { workers: 0 }')
  }
  const int = (name: keyof RunOptions, value: unknown, min: number, fallback: number): number => {
    if (value === undefined) return fallback
    if (!(Number.isInteger(value) && (value as number) >= min)) {
      throw new InvalidOptionError(name, `run(options): options.${name} must be an integer ≥ ${min} (got ${String(value)})`)
    }
    return value as number
  }
  const workers = int('workers', options.workers, 0, 0)
  if (workers > 0) {
    throw new InvalidOptionError('workers', `run(options): options.workers is ${workers}, but this version runs every actor on the main thread; ` +
      'use workers: 0 (worker threads are the next release)')
  }
  if (options.module !== undefined && typeof options.module !== 'string') {
    throw new InvalidOptionError('module', 'run(options): options.module must be the pipeline module URL, e.g. import.meta.url')
  }
  const clock = options.clock ?? systemClock()
  if (typeof clock.now !== 'function' || typeof clock.setTimer !== 'function') {
    throw new InvalidOptionError('clock', 'run(options): options.clock must have now() and setTimer(ms, fn), e.g. virtualClock()')
  }
  return {
    workers,
    module: options.module,
    params: options.params,
    clock,
    batchSize: int('batchSize', options.batchSize, 1, 1024),
    channelCapacity: int('channelCapacity', options.channelCapacity, 1, 8),
    maxKeyGroups: int('maxKeyGroups', options.maxKeyGroups, 1, DEFAULT_MAX_KEY_GROUPS),
  }
}
