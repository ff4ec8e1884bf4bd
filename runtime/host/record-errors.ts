import type { RecordError } from '../contracts/record-error.ts'
import type { StepCounters } from './step-counters.ts'

/**
 * How many errors of dropped records each step instance keeps, newest last. A few: they are
 * there to show what goes wrong (the live page, the run record), the count is `failed`; and
 * the figures carrying them cross threads several times a second.
 */
export const KEPT_RECORD_ERRORS = 3

/**
 * Notes the error of a record the instance just dropped (after `counters.failed` counted it):
 * kept among the instance's newest KEPT_RECORD_ERRORS. Called on the failure path only.
 *
 * @example
 * counters.failed += records.length; noteRecordError(counters, 0, 'input record 7', error, false)
 */
export function noteRecordError(counters: StepCounters, instance: number, offset: string, error: unknown, deadLettered: boolean): void {
  const kept = counters.errors ??= []
  if (kept.length >= KEPT_RECORD_ERRORS) kept.shift()
  kept.push({ instance, ordinal: counters.failed, time: Date.now(), offset, code: codeOf(error), message: error instanceof Error ? error.message : String(error), deadLettered })
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return error instanceof Error ? error.name : 'ERR_UNKNOWN'
}

/**
 * A step's kept errors from all its instances (each instance's newest, see KEPT_RECORD_ERRORS),
 * oldest first by time, at most `max`: what `metrics().steps[name].errors` shows.
 *
 * @example
 * newestRecordErrors([[e1], [e2, e3]], 10)
 */
export function newestRecordErrors(perInstance: readonly (readonly RecordError[])[], max: number): RecordError[] {
  return perInstance.flat().sort((a, b) => a.time - b.time || a.instance - b.instance || a.ordinal - b.ordinal).slice(-max)
}
