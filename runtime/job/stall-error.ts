import { OxiflowError } from '../errors/oxiflow-error.ts'
import type { StallWait } from '../contracts/job.ts'

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
