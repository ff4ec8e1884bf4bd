import type { JobSummary } from './job-shape.ts'

/** The `--json` form of an error: enough for a script to branch on, and the message for a human. */
export interface ErrorReport {
  readonly name: string
  readonly code: string
  readonly message: string
  readonly step?: string
  readonly offset?: string
  readonly cause?: { readonly name: string; readonly code?: string; readonly message: string }
}

/**
 * The summary as `--json` prints it: everything but `results` and `deadLetters`, which become
 * counts (a collect() sink may hold millions of records; a script that wants them should write
 * them to a file sink).
 *
 * @example
 * summaryReport(summary) // { pipelineId, status, durationMs, steps, results: { out: { count: 1000 } } }
 */
export function summaryReport(summary: JobSummary): Record<string, unknown> {
  const { results, deadLetters, ...rest } = summary
  return { ...rest, results: sizes(results), ...(deadLetters === undefined ? {} : { deadLetters: sizes(deadLetters) }) }
}

function sizes(values: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [step, value] of Object.entries(values ?? {})) if (value !== undefined) out[step] = resultShape(value)
  return out
}

function resultShape(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return { count: value.length }
  if (value instanceof Map || value instanceof Set) return { count: value.size }
  if (value === null || typeof value !== 'object') return { value }
  return { type: value.constructor?.name ?? 'Object' }
}

/**
 * An error as `--json` prints it: name, code, message, and the step and offset when the error
 * has them (StepError, RecordParseError), read by shape so any copy of oxiflow's errors works.
 *
 * @example
 * errorReport(new StepError('parse', 'record #3', new Error('bad'))) // { name: 'StepError', code: 'ERR_STEP', step: 'parse', ... }
 */
export function errorReport(e: unknown): ErrorReport {
  const err = e as { name?: unknown; code?: unknown; message?: unknown; step?: unknown; offset?: unknown; cause?: unknown }
  const base = e instanceof Error || (typeof e === 'object' && e !== null)
  const report: ErrorReport = {
    name: base && typeof err.name === 'string' ? err.name : 'Error',
    code: base && typeof err.code === 'string' ? err.code : 'ERR_UNEXPECTED',
    message: base && typeof err.message === 'string' ? err.message : String(e),
    ...(base && typeof err.step === 'string' ? { step: err.step } : {}),
    ...(base && typeof err.offset === 'string' ? { offset: err.offset } : {}),
  }
  if (!(err?.cause instanceof Error)) return report
  const cause = err.cause as Error & { code?: unknown }
  return { ...report, cause: { name: cause.name, ...(typeof cause.code === 'string' ? { code: cause.code } : {}), message: cause.message } }
}

/** JSON text for stdout: BigInts become strings rather than throwing. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
}
