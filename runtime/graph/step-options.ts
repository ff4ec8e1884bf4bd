import type { Sink } from '../contracts/sink.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { checkKnownOptions, invalidOption, shown } from '../option-checks.ts'

/** A record a step could not handle, as its dead-letter sink receives it. */
export interface DeadLetter {
  readonly step: string
  readonly error: string
  /**
   * Where a source's rejected record lies (`<file> line L byte B`, a stream id or sequence): the
   * same inline, on N workers and after a restore. Absent for a step's failure, which `record` identifies.
   */
  readonly offset?: string
  readonly record: unknown
}

/**
 * What a step does when its function throws on a record:
 * `'fail'` (default) fails the job; `'skip'` drops the record and counts it as failed;
 * `{ retry, backoffMs }` calls again up to `retry` times, waiting `backoffMs` (doubling) between,
 * then fails; `{ deadLetter }` sends `{ step, error, record }` (and a source's `offset`) to a sink and goes on. The
 * dead-letter sink is a sink step of its own, one per sink object however many steps name it;
 * `name` names that step (its state is stored under it), else it is `<first step naming it>-dead-letter`.
 * A `.process` step under a policy other than `'fail'` calls onBatch with one record at a time, so
 * that the policy applies to the failing record alone.
 *
 * @example
 * p.map('parse', JSON.parse, { onError: { deadLetter: sinks.jsonl('bad.jsonl') } })
 */
export type ErrorPolicy =
  | 'fail'
  | 'skip'
  | { readonly retry: number; readonly backoffMs?: number }
  | { readonly deadLetter: Sink<DeadLetter>; readonly name?: string }

/** Trailing options every step takes. */
export interface StepOptions {
  readonly onError?: ErrorPolicy
  /** Parallel instances of this step (default: the worker count for keyed and stateless steps, 1 for sinks). */
  readonly parallelism?: number
}

/** The options some kinds of step take besides StepOptions'. */
const KIND_OPTIONS: Readonly<Record<string, readonly string[]>> = { mapAsync: ['concurrency'], batch: ['size', 'maxWaitMs'] }

/** Checks step options up front (of a step of `kind`); the message names the step and the rule. */
export function validateStepOptions(step: string, options: StepOptions | undefined, kind = ''): void {
  if (options === undefined) return
  const where = `step '${step}'`
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `${where}: options must be an object like { onError, parallelism }`)
  }
  const known: Record<string, true> = { onError: true, parallelism: true } satisfies Record<keyof StepOptions, true>
  for (const name of KIND_OPTIONS[kind] ?? []) known[name] = true
  checkKnownOptions(where, options, known)
  const { onError, parallelism } = options
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism >= 1)) {
    throw invalidOption(where, 'parallelism', 'a positive integer', parallelism)
  }
  if (onError === undefined || onError === 'fail' || onError === 'skip') return
  if (typeof onError === 'object' && onError !== null) {
    if ('retry' in onError) {
      if (!(Number.isInteger(onError.retry) && onError.retry >= 1)) {
        throw invalidOption(where, 'onError.retry', 'a positive integer', onError.retry)
      }
      const b = onError.backoffMs
      if (b !== undefined && !(Number.isFinite(b) && b >= 0)) {
        throw invalidOption(where, 'onError.backoffMs', 'a non-negative number', b)
      }
      return
    }
    if ('deadLetter' in onError) {
      if ((onError.deadLetter as { kind?: string } | undefined)?.kind !== 'sink') {
        throw new InvalidOptionError('onError.deadLetter', `${where}: options.onError.deadLetter must be a sink, e.g. sinks.jsonl('dead.jsonl')`)
      }
      const name = onError.name
      if (name !== undefined && !(typeof name === 'string' && /^[A-Za-z0-9_-]+$/.test(name))) {
        throw new InvalidOptionError('onError.name', `${where}: options.onError.name names the dead-letter step and must match [A-Za-z0-9_-]+ (got ${shown(name)})`)
      }
      return
    }
  }
  throw invalidOption(where, 'onError', "'fail', 'skip', { retry: n, backoffMs } or { deadLetter: sink }", onError)
}
