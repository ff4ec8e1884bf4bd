import { OxiflowError } from '../errors/oxiflow-error.ts'

/** One instance that holds work up, as a stall report lists it. */
export interface StallWait {
  /** The step at the head of the instance's chain, e.g. `out`, and its instance index. */
  readonly step: string
  readonly instance: number
  /** Messages delivered to the instance and not handled yet. */
  readonly queued: number
  /** What it waits for, e.g. `handling a batch for 12.0 s` or `waiting for credit on channel …`. */
  readonly waiting: string | undefined
}

/**
 * A job made no progress while work was queued: no actor took or sent a batch and no source
 * read for `idleMs` (with `onStall: 'fail'`), or a graceful stop did not finish within its
 * timeout. `waits` says which step, channel, credit or barrier holds it up.
 *
 * @example
 * job.done.catch((e) => { if (isStallError(e)) console.error(e.waits) })
 */
export class StallError extends OxiflowError {
  override readonly name = 'StallError'
  constructor(readonly pipelineId: string, readonly during: 'run' | 'stop', readonly idleMs: number, readonly waits: readonly StallWait[], message: string) {
    super('ERR_STALLED', message)
  }
}

export function isStallError(e: unknown): e is StallError {
  return e instanceof StallError
}
