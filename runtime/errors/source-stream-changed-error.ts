import { OxiflowError } from './oxiflow-error.ts'

/**
 * A broker source found its stream no longer holds what followed its position — the stream
 * counterpart of SourceInputChangedError (same code, `ERR_SOURCE_INPUT_CHANGED`); `position` is a
 * Redis entry id or a JetStream sequence. `reason`: 'trimmed' — entries after the position were
 * removed from the stream's start (XTRIM, XADD MAXLEN/MINID; a JetStream purge, limits or
 * retention); 'deleted' — the Redis key is gone while entries after the position were still to
 * be read; 'recreated' — the name holds another stream than the one the position was read from.
 * A restore is refused before any record flows, and a bounded read fails instead of waiting for
 * entries that can no longer come, as resuming would silently skip them.
 *
 * @example
 * new SourceStreamChangedError('in', 'orders', '1700000000000-0', 'trimmed', "step 'in' (redisStream source): …")
 */
export class SourceStreamChangedError extends OxiflowError {
  override readonly name = 'SourceStreamChangedError'
  constructor(readonly step: string, readonly stream: string, readonly position: string, readonly reason: 'trimmed' | 'deleted' | 'recreated', message: string) {
    super('ERR_SOURCE_INPUT_CHANGED', message)
  }
}

/**
 * True when `e` is a SourceStreamChangedError.
 *
 * @example
 * try { await job.done } catch (e) { if (isSourceStreamChangedError(e)) console.error(e.stream, e.position, e.reason) }
 */
export function isSourceStreamChangedError(e: unknown): e is SourceStreamChangedError {
  return e instanceof SourceStreamChangedError
}
