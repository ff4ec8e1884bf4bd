import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidKeyError } from '../key-groups/invalid-key-error.ts'
import { KeyFunctionError } from '../key-groups/key-function-error.ts'
import { StateDeclarationError } from '../state/state-declaration-error.ts'
import { StateKeyError } from '../state/state-key-error.ts'
import { StateValueError } from '../state/state-value-error.ts'
import { isRecordEncodeError } from '../errors/record-encode-error.ts'
import { StepError } from '../errors/step-error.ts'
import type { Maybe } from '../maybe.ts'
import type { SideOutlet } from '../plan/side-output-steps.ts'
import type { DeadLetter, ErrorPolicy } from '../graph/step-options.ts'
import { noteRecordError } from './record-errors.ts'
import type { StepCounters } from './step-counters.ts'

/** Where dead letters of one step go: its vertex's side edge into the dead-letter sink step (see `sideOutputSteps`). */
export type DeadLetterOutlet = SideOutlet

// Why a step's dead letter has no `offset` and a source's reject has one: a letter is output, and
// output must be the same inline and on N workers, before and after a restore. A source knows
// where a rejected record lies (file line and byte, stream sequence) whatever the split. A step
// only knows it is input record N of this instance since this run started: N depends on the
// worker count, on batching across a hash exchange and on where a restore resumed, so it is not
// a position at all. Deriving a true one would mean carrying each record's source position through
// every exchange and window (per record, not per batch), and a window or reduce output has no
// single position anyway. The letter's `record` (with `step` and `error`) identifies it; the
// StepError of a failing step still says `input record N`, as a hint for a human reading it.

/** What a failing sink's StepError advises. */
const SINK_HINT = "; the sink could not write this batch: check its target (disk space, permissions, the server), or set onError: { retry } | 'skip' | { deadLetter } on the sink step"

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
    /** The step instance: its dropped records' errors say which (noteRecordError). */
    private readonly instance = 0,
    /** A sink's failure is its target's (a full disk, a server down), not its records': what the StepError then advises. */
    private readonly sink = false,
  ) {}

  /** True under `onError: 'fail'`: a failure fails the step, no record is skipped, retried or dead-lettered. */
  get failsStep(): boolean {
    return this.policy === 'fail'
  }

  /**
   * A step's failure on `records`; `offset` (`input record N`) only says where in an error
   * message: the dead letters carry no offset (see above).
   */
  handle(records: readonly unknown[], offset: string, error: unknown, retry: () => Maybe<void>): Maybe<boolean> {
    return this.apply(records, offset, false, error, retry)
  }

  /** A source's reject: `raw` at its true position `offset` (file line and byte, a stream id), which its dead letter keeps. */
  reject(raw: unknown, offset: string, error: unknown): Maybe<boolean> {
    return this.apply([raw], offset, true, error, () => { throw error })
  }

  private apply(records: readonly unknown[], offset: string, positioned: boolean, error: unknown, retry: () => Maybe<void>): Maybe<boolean> {
    // An invalid key or a throwing keyBy is a bug in the keyBy function, not in one record: no
    // policy applies, and the error reads as the router's, which meets it first on several instances.
    if (error instanceof InvalidKeyError || error instanceof KeyFunctionError) throw new StepError(this.step, 'its keyBy function on a record', error, '; fix the keyBy function')
    // So is the Oxi's misuse of ctx.state: another key's state, a value no checkpoint holds, a late declaration.
    if (error instanceof StateKeyError || error instanceof StateValueError || error instanceof StateDeclarationError) throw new StepError(this.step, offset, error, '')
    const policy = this.policy
    // A record a sink could not encode is the record's failure, not its target's: its error says the fix.
    if (policy === 'fail') throw new StepError(this.step, offset, error, this.sink && !isRecordEncodeError(error) ? SINK_HINT : undefined)
    if (policy === 'skip') {
      this.counters.failed += records.length
      noteRecordError(this.counters, this.instance, offset, error, false)
      return false
    }
    if ('retry' in policy) return this.retry(policy.retry, policy.backoffMs ?? 100, offset, error, retry)
    this.counters.failed += records.length
    noteRecordError(this.counters, this.instance, offset, error, true)
    const why = error instanceof Error ? error.message : String(error)
    const letters: DeadLetter[] = positioned ? records.map((record) => ({ step: this.step, error: why, offset, record }))
      : records.map((record) => ({ step: this.step, error: why, record }))
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
