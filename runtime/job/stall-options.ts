import { invalidOption } from '../option-checks.ts'

/** The run options that concern stalls and graceful-stop timeouts. */
export interface StallRunOptions {
  /**
   * Report a stall when work is queued and no actor took or sent a batch, and no source read,
   * for this many milliseconds (default 60 000, or `OXIFLOW_STALL_TIMEOUT_MS`; 0 turns it off).
   * Waiting on a source's input with nothing queued is not a stall.
   */
  readonly stallTimeout?: number
  /**
   * What a stall does: 'warn' (default) puts its report in `metrics().stall` and the run record
   * (the CLI prints it); 'fail' fails the job with a StallError carrying it. `OXIFLOW_ON_STALL`
   * sets the default (the test suite sets 'fail', so a stuck test fails with the report).
   */
  readonly onStall?: 'warn' | 'fail'
  /** A graceful stop not finished after this many milliseconds fails the job with a StallError naming what it waits for (default 60 000). */
  readonly stopTimeout?: number
}

/** Stall settings with defaults applied; `timeoutMs` 0 means no stall detection. */
export interface StallSettings {
  readonly timeoutMs: number
  readonly onStall: 'warn' | 'fail'
  readonly stopTimeoutMs: number
}

/**
 * Resolves the stall options (environment defaults included), naming the option and its rule.
 *
 * @example
 * resolveStall({ stallTimeout: 5_000, onStall: 'fail' }) // { timeoutMs: 5000, onStall: 'fail', stopTimeoutMs: 60000 }
 */
export function resolveStall(options: StallRunOptions, env: NodeJS.ProcessEnv = process.env): StallSettings {
  const ms = (name: string, value: unknown, fallback: number, zeroOk: boolean): number => {
    if (value === undefined) return fallback
    if (!(typeof value === 'number' && Number.isFinite(value) && (value > 0 || (zeroOk && value === 0)))) {
      throw invalidOption('run(options)', name, `a ${zeroOk ? 'non-negative' : 'positive'} number of milliseconds`, value, name)
    }
    return value
  }
  const fromEnv = env.OXIFLOW_STALL_TIMEOUT_MS === undefined || env.OXIFLOW_STALL_TIMEOUT_MS === '' ? undefined : Number(env.OXIFLOW_STALL_TIMEOUT_MS)
  const timeoutMs = ms('options.stallTimeout', options.stallTimeout, ms('OXIFLOW_STALL_TIMEOUT_MS', fromEnv, 60_000, true), true)
  const onStall = options.onStall ?? (env.OXIFLOW_ON_STALL || 'warn')
  if (onStall !== 'warn' && onStall !== 'fail') {
    throw invalidOption('run(options)', 'onStall', "'warn' or 'fail'", onStall, 'options.onStall (or OXIFLOW_ON_STALL)')
  }
  return { timeoutMs, onStall, stopTimeoutMs: ms('options.stopTimeout', options.stopTimeout, 60_000, false) }
}
