import type { CodecName } from '../../persistence/codec/codec-name.ts'
import { openStore } from '../../persistence/stores/open-store.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { checkKnownOptions, invalidOption } from '../option-checks.ts'

/** The run options that concern checkpoints. */
export interface CheckpointRunOptions {
  /** Where checkpoints, the run record and leases go: a store, a directory path (file store), or a URL. Default `OXIFLOW_STORE` or `.oxiflow`. */
  readonly store?: StateStore | string
  /** Take a checkpoint every this many milliseconds (off by default). */
  readonly checkpointInterval?: number
  /** Abandon a checkpoint that has not completed after this long (default 60 000 ms). */
  readonly checkpointTimeout?: number
  /** Compression of snapshots: 'zstd' (default, level 1), 'lz4', 'snappy' or 'none'. */
  readonly codec?: CodecName
  /** Committed checkpoints to keep (default 3). */
  readonly retain?: number
  /** Start from the newest checkpoint that verifies ('latest'; fresh if there is none) or from one id. */
  readonly restore?: 'latest' | number
  /**
   * Restore even when the checkpoint holds state that no step of this pipeline has (a stateful
   * step renamed or removed): that state is dropped and the restore report names it. Default
   * false: such a restore is refused (NonRestoredStateError) before any record flows.
   */
  readonly allowNonRestoredState?: boolean
  /**
   * When a periodic checkpoint fails (the store is down): 'continue' (default) counts it in
   * `job.metrics().checkpoints` and tries again at the next interval, the previous checkpoint
   * staying the one to restore; 'fail' fails the job with the checkpoint's error. Either way the
   * checkpoint a job takes at its end must commit: it is tried three times, then the job fails
   * with EndCheckpointError.
   */
  readonly onCheckpointFailure?: 'continue' | 'fail'
  /**
   * Incremental checkpoints: a holder that can say what changed (StateHolder.snapshotChanges)
   * writes only that, on top of the chain of its last committed snapshots; a restore folds the
   * chain. `fullEvery` (default 10): a full snapshot at least every that many checkpoints — a
   * chain holds at most 10 blobs, so a restore reads and folds ≤ 10, and one broken blob breaks
   * ≤ 9 later checkpoints (Flink's changelog backend likewise materializes a full snapshot
   * periodically). `maxChainRatio` (default 1): a full snapshot as soon as a chain's changes hold
   * more stored bytes than that times its full blob — a restore never reads much more than twice
   * a full snapshot, and churn-heavy state (where changes are as big as the state) goes back to
   * full (Kafka's log cleaner compacts once the dirty part is half the log: the same ratio 1).
   * `false` (or `fullEvery: 1`): every checkpoint full; `true`: the defaults, as when left out.
   */
  readonly incremental?: boolean | { readonly fullEvery?: number; readonly maxChainRatio?: number }
}

/**
 * When incremental checkpoints take a full snapshot (see CheckpointRunOptions.incremental).
 *
 * @example
 * const s: IncrementalSettings = { fullEvery: 10, maxChainRatio: 1 }
 */
export interface IncrementalSettings {
  readonly fullEvery: number
  readonly maxChainRatio: number
}

/** Defaults of CheckpointRunOptions.incremental (argued there). */
export const INCREMENTAL_DEFAULTS: IncrementalSettings = { fullEvery: 10, maxChainRatio: 1 }

/** Checkpointing options of a run, resolved, with its store open (what a job with checkpoints runs with). */
export interface CheckpointingOptions {
  readonly store: StateStore
  readonly intervalMs: number | undefined
  readonly timeoutMs: number
  readonly codec: CodecName
  readonly retain: number
  readonly restore: 'latest' | number | undefined
  /** A failed periodic checkpoint: counted and retried at the next interval ('continue'), or fails the job ('fail'). */
  readonly onFailure?: 'continue' | 'fail'
  /** Restore a checkpoint holding state of steps this pipeline lacks, dropping that state (default: refuse). */
  readonly allowNonRestoredState?: boolean
  /** Incremental checkpoints: when to take a full snapshot; undefined: every checkpoint is full. */
  readonly incremental?: IncrementalSettings | undefined
}

/**
 * Checkpointing options as resolution leaves them: checked, and the store named — the store
 * given, or the directory path or URL to open — but not opened (startJob opens it).
 */
export interface ResolvedCheckpointing extends Omit<CheckpointingOptions, 'store'> {
  readonly store: StateStore | string
}

const CODECS: readonly CodecName[] = ['zstd', 'lz4', 'snappy', 'none']

/**
 * Resolves the checkpoint options; undefined when the job takes no checkpoints (no store, no
 * interval, no restore asked), after checking every option all the same, naming it and its rule; pure: the
 * store is named (default `OXIFLOW_STORE`, else `.oxiflow`), not opened (see openCheckpointing).
 */
export function resolveCheckpointing(options: CheckpointRunOptions): ResolvedCheckpointing | undefined {
  const wanted = options.store !== undefined || options.checkpointInterval !== undefined || options.restore !== undefined
  const positive = (name: keyof CheckpointRunOptions, value: unknown): number | undefined => {
    if (value === undefined) return undefined
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw invalidOption('run(options)', name, 'a positive number of milliseconds', value)
    }
    return value
  }
  checkStoreOption(options.store)
  const codec = options.codec ?? 'zstd'
  if (!CODECS.includes(codec)) {
    throw invalidOption('run(options)', 'codec', `one of ${CODECS.join(', ')}`, codec)
  }
  const retain = options.retain ?? 3
  if (!(Number.isInteger(retain) && retain >= 1)) {
    throw invalidOption('run(options)', 'retain', 'an integer ≥ 1', retain)
  }
  const restore = options.restore
  if (!(restore === undefined || restore === 'latest' || (Number.isInteger(restore) && restore > 0))) {
    throw invalidOption('run(options)', 'restore', "'latest' or a checkpoint id", restore)
  }
  const onFailure = options.onCheckpointFailure ?? 'continue'
  if (onFailure !== 'continue' && onFailure !== 'fail') {
    throw invalidOption('run(options)', 'onCheckpointFailure', "'continue' or 'fail'", onFailure)
  }
  const allowNonRestoredState = options.allowNonRestoredState ?? false
  if (typeof allowNonRestoredState !== 'boolean') {
    throw invalidOption('run(options)', 'allowNonRestoredState', 'true or false', allowNonRestoredState)
  }
  const incremental = resolveIncremental(options.incremental)
  const intervalMs = positive('checkpointInterval', options.checkpointInterval)
  const timeoutMs = positive('checkpointTimeout', options.checkpointTimeout) ?? 60_000
  // Checked above also when the job takes no checkpoints: a wrong option is wrong before a store is added.
  if (!wanted) return undefined
  const store = typeof options.store === 'object' ? options.store : options.store ?? process.env.OXIFLOW_STORE ?? '.oxiflow'
  return { store, codec, retain, restore, onFailure, allowNonRestoredState, incremental, intervalMs, timeoutMs }
}

const INCREMENTAL_KEYS: Readonly<Record<keyof IncrementalSettings, true>> = { fullEvery: true, maxChainRatio: true }

/** `incremental` checked (its keys too): undefined when off (false, or fullEvery 1), else both settings. */
function resolveIncremental(value: CheckpointRunOptions['incremental']): IncrementalSettings | undefined {
  if (value === false) return undefined
  if (value === true) value = undefined
  if (!(value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)))) {
    throw invalidOption('run(options)', 'incremental', 'true, false or { fullEvery, maxChainRatio }', value)
  }
  checkKnownOptions('run(options).incremental', value, INCREMENTAL_KEYS)
  const fullEvery = value?.fullEvery ?? INCREMENTAL_DEFAULTS.fullEvery
  if (!(Number.isSafeInteger(fullEvery) && fullEvery >= 1)) {
    throw invalidOption('run(options)', 'incremental.fullEvery', 'an integer ≥ 1 (1: every checkpoint full)', fullEvery)
  }
  const maxChainRatio = value?.maxChainRatio ?? INCREMENTAL_DEFAULTS.maxChainRatio
  if (!(typeof maxChainRatio === 'number' && Number.isFinite(maxChainRatio) && maxChainRatio > 0)) {
    throw invalidOption('run(options)', 'incremental.maxChainRatio', 'a positive number (changes bytes / full bytes)', maxChainRatio)
  }
  return fullEvery === 1 ? undefined : { fullEvery, maxChainRatio }
}

/**
 * The resolved checkpoint options with their store open: a path or URL is opened here (an
 * invalid URL throws InvalidStoreUrlError), a store given as an object is used as is.
 *
 * @example
 * const cp = openCheckpointing(resolveCheckpointing({ store: '.oxiflow' })!) // cp.store: a file store
 */
export function openCheckpointing(resolved: ResolvedCheckpointing): CheckpointingOptions {
  return { ...resolved, store: typeof resolved.store === 'object' ? resolved.store : openStore(resolved.store) }
}

/** What a store given as an object must have (StateStore). */
const STORE_METHODS = ['put', 'get', 'list', 'delete', 'lease', 'leases', 'describe', 'close'] as const

/** `store`: absent, a directory path or URL, or a StateStore — not a number, not an object lacking its methods. */
function checkStoreOption(store: unknown): void {
  if (store === undefined || (typeof store === 'string' && store.trim() !== '')) return
  if (typeof store === 'object' && store !== null) {
    const missing = STORE_METHODS.filter((m) => typeof (store as Record<string, unknown>)[m] !== 'function')
    if (missing.length === 0) return
    throw new InvalidOptionError('store', `run(options): options.store is an object without the StateStore method${missing.length > 1 ? 's' : ''} ` +
      `${missing.join(', ')}; pass a directory path, a redis:// or postgres:// URL, or a store (e.g. stores.file('.oxiflow'))`)
  }
  throw invalidOption('run(options)', 'store', "a directory path, a redis:// or postgres:// URL, or a store (e.g. stores.file('.oxiflow'))", store)
}
