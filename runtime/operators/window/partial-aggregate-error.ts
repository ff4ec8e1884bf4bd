import { OxiflowError } from '../../errors/oxiflow-error.ts'

/**
 * A window's aggregate threw on a record after other aggregates of the same window had already
 * added it, and those cannot take it back (`min`, `max`, `first`, `last` and custom aggregators
 * remove only their oldest record). The window would disagree with itself, so the step fails
 * whatever its `onError` policy says.
 *
 * @example
 * // .aggregate('a', { lo: agg.min((r) => r.a), hi: agg.max((r) => r.b) }) with r.b undefined
 * new PartialAggregateError('a', ['lo'], 'hi', cause)
 */
export class PartialAggregateError extends OxiflowError {
  override readonly name = 'PartialAggregateError'
  constructor(readonly step: string, readonly added: readonly string[], readonly failed: string, cause: unknown) {
    super('ERR_PARTIAL_AGGREGATE',
      `step '${step}': aggregate '${failed}' threw on a record that ${added.map((a) => `'${a}'`).join(', ')} had already added and cannot take back; ` +
      `filter such records out before the window (e.g. .filter((r) => Number.isFinite(r.value))) so that onError can skip them`, { cause })
  }
}

/**
 * True for a PartialAggregateError.
 *
 * @example
 * if (isPartialAggregateError(e.cause)) console.error(e.cause.failed)
 */
export function isPartialAggregateError(e: unknown): e is PartialAggregateError {
  return e instanceof PartialAggregateError
}
