import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openCheckpointing, resolveCheckpointing, type CheckpointingOptions, type CheckpointRunOptions, type ResolvedCheckpointing } from '../checkpoint/checkpoint-options.ts'
import { systemClock, type Clock } from '../clock.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { checkKnownOptions, invalidOption, shown } from '../option-checks.ts'
import type { JobSnapshot } from '../contracts/job.ts'
import { DEFAULT_MAX_KEY_GROUPS } from '../key-groups/key-group-assignment.ts'
import { resolveRestart, type RestartOptions, type RestartPolicy } from './restart-policy.ts'
import type { RunStateRunOptions } from '../run-state/run-state-options.ts'
import { resolveStall, type StallRunOptions, type StallSettings } from './stall-options.ts'

/** Options of `p.run(options)`. */
export interface RunOptions extends CheckpointRunOptions, RunStateRunOptions, StallRunOptions {
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
  /** State to start from: `summary.snapshot` of an earlier run of the same pipeline (same parallelism). */
  readonly restoreFrom?: JobSnapshot
  /** Snapshot every state holder once the job ended or stopped, into `summary.snapshot` (default false). */
  readonly snapshotAtEnd?: boolean
  /**
   * Supervision: a job that fails (a step under `onError: 'fail'`, a worker thread that died, a
   * store or broker that was away) starts again from its last checkpoint, at most `attempts`
   * times, after `backoffMs` (doubling). Needs checkpoints. Off by default.
   */
  readonly restart?: RestartOptions
}

/** Every key of RunOptions (the type checks that none is missing or extra). */
export const RUN_OPTIONS: Readonly<Record<keyof RunOptions, true>> = {
  workers: true, module: true, params: true, clock: true, batchSize: true, channelCapacity: true, maxKeyGroups: true, restoreFrom: true,
  snapshotAtEnd: true, restart: true, store: true, checkpointInterval: true, checkpointTimeout: true, codec: true, retain: true, restore: true,
  allowNonRestoredState: true, onCheckpointFailure: true, incremental: true, heartbeatInterval: true, stallTimeout: true, onStall: true, stopTimeout: true,
}

/**
 * The largest `batchSize`. A channel holds `channelCapacity` (8) batches, so memory in flight
 * grows with the batch: 1e8 records per batch took 1.1 GB of RSS, while larger batches stop
 * paying off after a few thousand records (1M generated records, map + filter, inline, 2 busy
 * cores: 1024 → 1.6–2.0 M/s, 8192 → 2.5 M/s, 65,536 → 1.1–1.4 M/s). 65,536 keeps a channel of
 * 100-byte records near 50 MB.
 *
 * @example
 * run({ batchSize: MAX_BATCH_SIZE })
 */
export const MAX_BATCH_SIZE = 65_536

/**
 * The most worker threads a job may start here: twice the cores, and at least 4. Each worker is
 * a V8 isolate that loads oxiflow and the pipeline module again (15–20 MB more per worker on the
 * workers-pay count job; ~60 MB each from TypeScript sources under tsx), and
 * workers beyond the cores only take turns on them — async waits already overlap inside one
 * thread. Twice leaves room for hosts that block; 4 lets a small machine still rescale 1–4.
 *
 * @example
 * maxWorkers() // 16 on 8 cores
 */
export function maxWorkers(): number {
  return Math.max(4, 2 * availableParallelism())
}

/** RunOptions with defaults applied; the store named, not opened (see openRunStore). */
export interface ResolvedRunOptions {
  readonly workers: number
  readonly module: string | undefined
  readonly params: unknown
  readonly clock: Clock
  readonly batchSize: number
  readonly channelCapacity: number
  readonly maxKeyGroups: number
  readonly restoreFrom: JobSnapshot | undefined
  readonly snapshotAtEnd: boolean
  /** Undefined when the job takes no checkpoints. */
  readonly checkpointing: ResolvedCheckpointing | undefined
  /** Undefined when a failure ends the job. */
  readonly restart: RestartPolicy | undefined
  /** Stall detection and the graceful stop's time limit. */
  readonly stall: StallSettings
}

/** ResolvedRunOptions with the store open: what startJob runs the job and its hosts with. */
export interface JobOptions extends Omit<ResolvedRunOptions, 'checkpointing'> {
  /** Undefined when the job takes no checkpoints. */
  readonly checkpointing: CheckpointingOptions | undefined
}

/**
 * Checks run options up front, naming the option and its rule. Pure: nothing is opened (the
 * store is named; startJob opens it with openRunStore).
 *
 * @example
 * const resolved = resolveRunOptions({ workers: 2, module: import.meta.url }) // resolved.batchSize === 1024
 */
export function resolveRunOptions(options: RunOptions, where = 'run(options)'): ResolvedRunOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `${where}: options must be an object, e.g. { workers: 0 }`)
  }
  checkKnownOptions(where, options, RUN_OPTIONS)
  const int = (name: keyof RunOptions, value: unknown, min: number, fallback: number, max?: { n: number; why: string }): number => {
    if (value === undefined) return fallback
    if (!(Number.isInteger(value) && (value as number) >= min)) {
      throw invalidOption(where, name, `an integer ≥ ${min}`, value)
    }
    if (max !== undefined && (value as number) > max.n) {
      throw new InvalidOptionError(name, `${where}: options.${name} must be at most ${max.n} (got ${shown(value)}): ${max.why}`)
    }
    return value as number
  }
  const workers = int('workers', options.workers, 0, 0, { n: maxWorkers(), why: WORKERS_WHY })
  if (options.module !== undefined && typeof options.module !== 'string') {
    throw new InvalidOptionError('module', 'run(options): options.module must be the pipeline module URL, e.g. import.meta.url')
  }
  if (workers > 0 && options.module === undefined) {
    throw new InvalidOptionError('module', `run(options): options.module is required with workers: ${workers} — each worker imports ` +
      'the pipeline module again; pass module: import.meta.url from the module whose default export is the pipeline')
  }
  if (workers > 0) checkModuleUrl(options.module!)
  if (workers > 0 && options.clock !== undefined) {
    throw new InvalidOptionError('clock', `run(options): a custom clock needs workers: 0 — worker hosts keep processing time on ` +
      'the system clock; run time-dependent tests inline')
  }
  if (options.params !== undefined) {
    try { structuredClone(options.params) } catch {
      throw new InvalidOptionError('params', 'run(options): options.params must be plain data (worker hosts receive a copy)')
    }
  }
  const clock = options.clock ?? systemClock()
  if (typeof clock.now !== 'function' || typeof clock.setTimer !== 'function') {
    throw new InvalidOptionError('clock', 'run(options): options.clock must have now() and setTimer(ms, fn), e.g. virtualClock()')
  }
  if (options.snapshotAtEnd !== undefined && typeof options.snapshotAtEnd !== 'boolean') {
    throw invalidOption('run(options)', 'snapshotAtEnd', 'true or false', options.snapshotAtEnd)
  }
  if (options.restoreFrom !== undefined && !(options.restoreFrom instanceof Map)) {
    throw new InvalidOptionError('restoreFrom', 'run(options): options.restoreFrom must be a job snapshot (summary.snapshot of a run with snapshotAtEnd: true)')
  }
  const checkpointing = resolveCheckpointing(options)
  return {
    workers,
    module: options.module,
    params: options.params,
    clock,
    batchSize: int('batchSize', options.batchSize, 1, 1024, { n: MAX_BATCH_SIZE, why: BATCH_WHY }),
    channelCapacity: int('channelCapacity', options.channelCapacity, 1, 8),
    maxKeyGroups: int('maxKeyGroups', options.maxKeyGroups, 1, DEFAULT_MAX_KEY_GROUPS),
    restoreFrom: options.restoreFrom,
    snapshotAtEnd: options.snapshotAtEnd ?? false,
    checkpointing,
    restart: resolveRestart(options.restart, checkpointing),
    stall: resolveStall(options),
  }
}

const WORKERS_WHY = `twice the ${availableParallelism()} cores here, at least 4 — each worker thread costs memory (its own heap ` +
  'and copy of the modules, ~15–20 MB more without state) and ' +
  'workers beyond the cores only take turns on them; use fewer workers, or parallelism per step'
const BATCH_WHY = 'a channel holds 8 batches, so memory in flight grows with the batch, and batches above a few thousand ' +
  'records are no faster; the default is 1024'

/**
 * The resolved options with the job's store open (a path or URL is opened here; a store object
 * is used as is): startJob calls it once the options are checked.
 *
 * @example
 * const options = openRunStore(resolveRunOptions({ store: '.oxiflow' })) // options.checkpointing.store: a file store
 */
export function openRunStore(resolved: ResolvedRunOptions): JobOptions {
  return { ...resolved, checkpointing: resolved.checkpointing && openCheckpointing(resolved.checkpointing) }
}

/**
 * The module worker hosts import: a URL (`import.meta.url`) or an absolute path, and for a file:
 * URL or a path a file that exists — checked here rather than met as ERR_MODULE_NOT_FOUND in
 * every worker. A relative path would be read by the workers as a package name.
 */
function checkModuleUrl(module: string): void {
  let file: string | undefined
  if (isAbsolute(module)) file = module
  else {
    let url: URL
    try {
      url = new URL(module)
    } catch {
      throw new InvalidOptionError('module', `run(options): options.module must be the pipeline module's URL, e.g. import.meta.url, ` +
        `or its absolute path (got ${shown(module)})`)
    }
    if (url.protocol === 'file:') file = fileURLToPath(url)
  }
  if (file !== undefined && !existsSync(file)) {
    throw new InvalidOptionError('module', `run(options): options.module ${shown(module)}: no such file; pass import.meta.url from ` +
      'the module whose default export is the pipeline')
  }
}
