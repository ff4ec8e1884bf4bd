import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * An Oxi declared per-key state where it cannot have it: after `open` (its holder would miss
 * the restore and the checkpoints taken so far), in a step whose input is not keyed (per-key
 * state needs `.keyBy` before the `.process`), or twice under one name. The message names the
 * step, the state and the fix.
 *
 * @example
 * // .keyBy((r) => r.user).process('count', { onBatch(rs, ctx) { ctx.state.value('n') } }) → throws: declare it in open(ctx)
 * new StateDeclarationError('count', 'n', 'was declared in onBatch', 'declare it in open(ctx) and keep the handle')
 */
export class StateDeclarationError extends OxiflowError {
  override readonly name = 'StateDeclarationError'
  constructor(readonly step: string, readonly state: string, problem: string, fix: string) {
    super('ERR_STATE_DECLARATION', `step '${step}': state '${state}' ${problem}; ${fix}`)
  }
}

/**
 * True for a StateDeclarationError.
 *
 * @example
 * try { await job.done } catch (e) { if (isStateDeclarationError(e)) console.error(e.step, e.state) }
 */
export function isStateDeclarationError(e: unknown): e is StateDeclarationError {
  return e instanceof StateDeclarationError
}
