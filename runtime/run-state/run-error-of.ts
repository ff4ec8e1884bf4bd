import type { RunError } from '../../persistence/run-state/run-record.ts'
import { scrubCredentials } from '../../persistence/run-state/scrub-credentials.ts'

/** Error codes after which running again may succeed without changing the pipeline or its input. */
const RETRYABLE = new Set(['ERR_LEASE_LOST', 'ERR_LEASE_TAKEOVER', 'ERR_STORE_UNAVAILABLE', 'ERR_CHECKPOINT_TIMEOUT', 'ERR_WORKER_CRASH', 'ERR_STALE_FENCE'])

/**
 * An error as the run record keeps it: step and offset when the error has them (StepError,
 * RecordParseError — read by shape, so errors rebuilt from a worker thread work too), its code,
 * and its message with any URL credentials masked.
 *
 * @example
 * runErrorOf(new StepError('parse', 'record #3', new Error('bad')), Date.now()) // { step: 'parse', offset: 'record #3', code: 'ERR_STEP', ... }
 */
export function runErrorOf(e: unknown, time: number): RunError {
  const err = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; message?: unknown; step?: unknown; offset?: unknown }
  const code = typeof err.code === 'string' ? err.code : 'ERR_UNEXPECTED'
  return {
    step: typeof err.step === 'string' ? err.step : null,
    code,
    message: scrubCredentials(typeof err.message === 'string' ? err.message : String(e)),
    offset: typeof err.offset === 'string' ? err.offset : null,
    time,
    retryable: RETRYABLE.has(code),
  }
}
