import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidKeyError } from './errors/invalid-key-error.ts'
import { KeyFunctionError } from './errors/key-function-error.ts'
import { StepError } from './errors/step-error.ts'
import type { Maybe } from './sequence.ts'
import type { DeadLetter, ErrorPolicy } from './step-options.ts'
import type { StepCounters } from './step-counters.ts'

/** Where dead letters of one step go: its vertex's side edge into the dead-letter sink step (see `deadLetterSteps`). */
export type DeadLetterOutlet = (letters: DeadLetter[]) => Maybe<void>

/**
 * Applies a step's `onError` policy to a failure. Returns true when a retry succeeded (the
 * output was produced), false when the records were dropped (skip, dead letter); throws a
 * StepError under `'fail'` or when retries run out. Nothing is dropped without being counted.
 *
 * @example
 * const kept = failures.handle([record], 'input record 7', error, () => out.push(fn(record)))
 */
export class FailureHandler {
  constructor(
    private readonly step: string,
    private readonly policy: ErrorPolicy,
    private readonly counters: StepCounters,
    private readonly deadLetters: DeadLetterOutlet | undefined,
  ) {}

  handle(records: readonly unknown[], offset: string, error: unknown, retry: () => Maybe<void>): Maybe<boolean> {
    // An invalid key or a throwing keyBy is a bug in the keyBy function, not in one record: no
    // policy applies, and the error reads as the router's, which meets it first on several instances.
    if (error instanceof InvalidKeyError || error instanceof KeyFunctionError) throw new StepError(this.step, 'its keyBy function on a record', error, '; fix the keyBy function')
    const policy = this.policy
    if (policy === 'fail') throw new StepError(this.step, offset, error)
    if (policy === 'skip') {
      this.counters.failed += records.length
      return false
    }
    if ('retry' in policy) return this.retry(policy.retry, policy.backoffMs ?? 100, offset, error, retry)
    this.counters.failed += records.length
    const why = error instanceof Error ? error.message : String(error)
    const letters = records.map((record) => ({ step: this.step, error: why, offset, record }))
    return andFalse(this.deadLetters!(letters))
  }

  /** Backoff doubles per attempt; real time (not the job clock): it paces calls to the outside world. */
  private async retry(attempts: number, backoffMs: number, offset: string, error: unknown, retry: () => Maybe<void>): Promise<boolean> {
    let last = error
    for (let attempt = 0; attempt < attempts; attempt++) {
      await sleep(backoffMs * 2 ** attempt)
      try {
        await retry()
        return true
      } catch (e) {
        last = e
      }
    }
    throw new StepError(this.step, offset, last, `; it still failed after ${attempts} retries — fix the cause, or use onError: 'skip' | { deadLetter }`)
  }
}

function andFalse(r: Maybe<void>): Maybe<boolean> {
  return r instanceof Promise ? r.then(() => false) : false
}
