import { OxiflowError } from './oxiflow-error.ts'

/**
 * A user function of a step threw (or rejected) under `onError: 'fail'`, or after its retries.
 * `offset` says where: the record's position in the step's input (`record #N`), or a source's
 * position (file, line, byte).
 *
 * @example
 * try { await job.done } catch (e) { if (isStepError(e)) console.error(e.step, e.offset) }
 */
export class StepError extends OxiflowError {
  override readonly name = 'StepError'
  constructor(readonly step: string, readonly offset: string, cause: unknown, hint?: string) {
    // A cause that already names its position (RecordParseError) contributes only its reason.
    const why = typeof (cause as { reason?: unknown })?.reason === 'string' ? (cause as { reason: string }).reason
      : cause instanceof Error ? cause.message : String(cause)
    super('ERR_STEP', `step '${step}' failed at ${offset}: ${why}` +
      `${hint ?? "; fix the function or the record, or set onError: 'skip' | { retry } | { deadLetter } on the step"}`,
      { cause })
  }
}

export function isStepError(e: unknown): e is StepError {
  return e instanceof StepError
}
