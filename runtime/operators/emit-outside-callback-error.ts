import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * An Oxi called `ctx.emit` when its step takes no output: after its end (`onEnd`, or a stop), in `open`, or outside
 * a callback (a timer, a promise the callback did not await). Such a record would be lost —
 * nothing of the step is sent after its end, and emits are sent only when a callback returns —
 * so the call throws instead of dropping it silently.
 *
 * @example
 * // .process('p', { onBatch(rs, ctx) { setTimeout(() => ctx.emit(rs[0]), 10) } }) → throws in the timer
 * new EmitOutsideCallbackError('p', 'from a timer or a promise the callback did not await')
 */
export class EmitOutsideCallbackError extends OxiflowError {
  override readonly name = 'EmitOutsideCallbackError'
  constructor(readonly step: string, readonly when: string) {
    super('ERR_EMIT_OUTSIDE_CALLBACK',
      `step '${step}': ctx.emit was called ${when}; the record cannot be sent — emit only while onBatch, onWatermark or onEnd runs ` +
      '(await the work that emits before the callback returns; keep records for a later callback in the Oxi\'s state)')
  }
}

/**
 * True for an EmitOutsideCallbackError.
 *
 * @example
 * process.on('uncaughtException', (e) => { if (isEmitOutsideCallbackError(e)) console.error(e.step) })
 */
export function isEmitOutsideCallbackError(e: unknown): e is EmitOutsideCallbackError {
  return e instanceof EmitOutsideCallbackError
}
