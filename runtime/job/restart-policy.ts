import type { ResolvedCheckpointing } from '../checkpoint/checkpoint-options.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { OxiflowError } from '../errors/oxiflow-error.ts'
import { invalidOption } from '../option-checks.ts'

/** `run({ restart })`: how often a failed job starts again from its last checkpoint, and how long it waits first. */
export interface RestartOptions {
  /** Restarts allowed over the job's life (not in a row). */
  readonly attempts: number
  /** Wait before each restart (default 1000 ms); doubles after each restart, up to 30 s. */
  readonly backoffMs?: number
}

export interface RestartPolicy {
  readonly attempts: number
  readonly backoffMs: number
}

const MAX_BACKOFF_MS = 30_000

/**
 * Checks `restart` up front. Restarting needs checkpoints (a store): without them a restart
 * would read the input again and publish it twice.
 */
export function resolveRestart(restart: RestartOptions | undefined, checkpointing: ResolvedCheckpointing | undefined): RestartPolicy | undefined {
  if (restart === undefined) return undefined
  if (typeof restart !== 'object' || restart === null) {
    throw new InvalidOptionError('restart', 'run(options): options.restart must be { attempts, backoffMs? }, e.g. { attempts: 3, backoffMs: 1000 }')
  }
  const { attempts, backoffMs = 1000 } = restart
  if (!(Number.isInteger(attempts) && attempts >= 0)) {
    throw invalidOption('run(options)', 'restart', 'an integer ≥ 0', attempts, 'options.restart.attempts')
  }
  if (!(typeof backoffMs === 'number' && Number.isFinite(backoffMs) && backoffMs >= 0)) {
    throw invalidOption('run(options)', 'restart', 'a number of milliseconds ≥ 0', backoffMs, 'options.restart.backoffMs')
  }
  if (attempts > 0 && checkpointing === undefined) {
    throw new InvalidOptionError('restart', 'run(options): options.restart needs checkpoints — a restart continues from the last ' +
      "checkpoint; add a store and an interval, e.g. { store: '.oxiflow', checkpointInterval: 1000 } (oxiflow run: --store .oxiflow --checkpoint-interval 1000)")
  }
  return { attempts, backoffMs }
}

/** The wait before restart number `attempt` (1-based): backoffMs, doubling, at most 30 s (or backoffMs if larger). */
export function backoffFor(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), Math.max(MAX_BACKOFF_MS, policy.backoffMs))
}

/** Failures a restart can get past: a step or a worker thread that failed, a store or broker that was away (also at the end's checkpoint). */
const RESTARTABLE = new Set(['ERR_STEP', 'ERR_RECORD_PARSE', 'ERR_WORKER_CRASH', 'ERR_STORE_UNAVAILABLE', 'ERR_BROKER_UNAVAILABLE', 'ERR_MESSAGE_DECODE', 'ERR_END_CHECKPOINT'])

/**
 * True when restarting may help: the failures above, and errors that are not oxiflow's (a
 * source or sink's I/O error, a user function's throw outside a step). A wrong option, a
 * pipeline that does not fit its checkpoint, or a lost lease fail again the same way: no restart.
 */
export function isRestartable(e: unknown): boolean {
  return !(e instanceof OxiflowError) || RESTARTABLE.has(e.code)
}
