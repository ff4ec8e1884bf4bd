import { MAX_RUN_ERRORS, type RunError } from '../../persistence/run-state/run-record.ts'
import { scrubCredentials } from '../../persistence/run-state/scrub-credentials.ts'
import type { JobMetrics, StepMetrics } from '../contracts/job.ts'
import type { RecordError } from '../contracts/record-error.ts'

/** Per step instance (`step#instance`), the newest dropped record's error already listed: its time and ordinal. */
export type RecordErrorsSeen = Readonly<Record<string, readonly [time: number, ordinal: number]>>

/**
 * A dropped record's error as the run record (and `metrics().errors`) lists it: the step, the
 * error's own code, where (the offset), and a message saying what became of the record.
 *
 * @example
 * runErrorOfRecord('parse', e) // { step: 'parse', code: 'ERR_RECORD_PARSE', message: "record skipped (onError: 'skip') by instance 0: …", ... }
 */
export function runErrorOfRecord(step: string, e: RecordError): RunError {
  const what = e.deadLettered ? 'record sent to the dead letters' : "record skipped (onError: 'skip')"
  return { step, code: e.code, message: scrubCredentials(`${what} by instance ${e.instance}: ${e.message}`), offset: e.offset, time: e.time, retryable: false }
}

/**
 * The errors of dropped records in `m` (each step's `errors`) newer than `seen`, oldest first,
 * and the marks to keep once they are written. An instance's errors are told apart by time,
 * then ordinal: after a restart its new instances count from 1 again, but later.
 *
 * @example
 * const { errors, seen: next } = newRecordErrors(job.metrics(), seen)
 */
export function newRecordErrors(m: JobMetrics, seen: RecordErrorsSeen): { errors: RunError[]; seen: RecordErrorsSeen } {
  const next: Record<string, readonly [number, number]> = { ...seen }
  const fresh: { step: string; e: RecordError }[] = []
  for (const [step, s] of Object.entries(m.steps)) {
    for (const e of s.errors ?? []) {
      const key = `${step}#${e.instance}`
      const mark = next[key]
      if (mark && (e.time < mark[0] || (e.time === mark[0] && e.ordinal <= mark[1]))) continue
      // A step's errors come oldest first, so the mark only moves forward.
      next[key] = [e.time, e.ordinal]
      fresh.push({ step, e })
    }
  }
  fresh.sort((a, b) => a.e.time - b.e.time)
  return { errors: fresh.map(({ step, e }) => runErrorOfRecord(step, e)), seen: next }
}

/**
 * For a job without a run record (no store): the errors of the records its steps dropped, as a
 * record would list them — newest last, at most MAX_RUN_ERRORS; undefined when there are none.
 *
 * @example
 * const errors = droppedErrorsOf(job.metrics().steps)
 */
export function droppedErrorsOf(steps: Readonly<Record<string, StepMetrics>>): RunError[] | undefined {
  const all = Object.entries(steps).flatMap(([step, s]) => (s.errors ?? []).map((e) => runErrorOfRecord(step, e)))
  return all.length === 0 ? undefined : all.sort((a, b) => a.time - b.time).slice(-MAX_RUN_ERRORS)
}
