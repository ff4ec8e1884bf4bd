/**
 * The error of a record a step dropped under its `onError` policy — skipped (`'skip'`) or sent
 * to a dead-letter sink — as `metrics().steps[name].errors` lists it: each instance keeps the
 * newest few (plain data: it crosses threads).
 *
 * @example
 * for (const e of job.metrics().steps.parse.errors ?? []) console.log(e.instance, e.offset, e.message)
 */
export interface RecordError {
  /** The step instance that dropped the record. */
  readonly instance: number
  /** That instance's count of dropped records with this one (1 for its first): with `instance`, it tells one error from another. */
  readonly ordinal: number
  /** Epoch milliseconds. */
  readonly time: number
  /** Where: a source's true position (file line and byte, a stream id), or a step's `input record N` of its instance. */
  readonly offset: string
  /** The error's code (`ERR_RECORD_PARSE`…), or its class name when it has none (`TypeError`). */
  readonly code: string
  readonly message: string
  /** True when the record went to a dead-letter sink, false when it was skipped. */
  readonly deadLettered: boolean
}
