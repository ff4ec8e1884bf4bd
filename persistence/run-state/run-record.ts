import type { PlanDescription } from '../plan-description.ts'
import type { LeaseOwner } from '../stores/state-store.ts'

/** Where a pipeline's run is: `pending` until the runner holds the lease, then running and one of the three ends. */
export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'stopped'

/** One step's part of the run record (summed over its parallel instances). */
export interface StepRunState {
  readonly status: RunStatus
  readonly kind: string
  readonly parallelism: number
  readonly recordsIn: number
  readonly recordsOut: number
  /** Records dropped by `onError: 'skip'` or sent to a dead-letter sink. */
  readonly failed: number
  /** Time the step's actors spent handling records, not counting waits for downstream credit. */
  readonly processingMs: number
  /** Where its instances run: `main` (the runner's thread) and/or `worker N`. */
  readonly worker: string
  readonly lastHeartbeat: number
}

/** One error of a run, as the bounded `errors` list keeps it. */
export interface RunError {
  /** The step it happened in, when known (a StepError's step). */
  readonly step: string | null
  readonly code: string
  readonly message: string
  /** Where in the input: `record #N`, a file line, a byte position — when the error says. */
  readonly offset: string | null
  /** Epoch milliseconds. */
  readonly time: number
  /** True when running again may succeed (a lost lease, a stale-lease takeover, a store outage). */
  readonly retryable: boolean
}

/** The last committed checkpoint as the run record keeps it. */
export interface RunCheckpoint {
  readonly id: number
  /** Epoch milliseconds of the commit. */
  readonly time: number
  /** Bytes written (compressed, headers included). */
  readonly bytes: number
  readonly durationMs: number
}

/**
 * A pipeline's durable run record (docs/architecture.md, "Run records"), kept at `pipelines/<id>/run` and only ever
 * updated by compare-and-set on its version (see updateRunRecord). Written when the runner
 * takes the lease, at each checkpoint commit, on a heartbeat and at the end — never per record.
 * Holds no store URL or credential.
 *
 * @example
 * const r = await readRunRecord(store, 'clicks'); console.log(r?.value.status, r?.value.recordsProcessed)
 */
export interface RunRecord {
  readonly format: 1
  readonly pipelineId: string
  /** A fresh id for every start of the pipeline (restores included). */
  readonly runId: string
  readonly status: RunStatus
  readonly startedAt: number
  readonly endedAt: number | null
  /** Records read from the pipeline's sources. */
  readonly recordsProcessed: number
  /** Records some step dropped (`onError: 'skip'`) or sent to a dead-letter sink. */
  readonly recordsFailed: number
  /** Sequence number of the last record read from the sources (recordsProcessed − 1 this run), null before the first. */
  readonly lastProcessedId: number | null
  /** Bytes the sources read this run, for sources that count bytes (files); 0 when none does. */
  readonly bytesProcessed: number
  /** Batches the sources read this run (each read of a source is one batch). */
  readonly batchNumber: number
  readonly steps: Readonly<Record<string, StepRunState>>
  /** Newest last, at most MAX_RUN_ERRORS; `errorsDropped` counts older ones that made room. */
  readonly errors: readonly RunError[]
  readonly errorsDropped: number
  /** Restarts of the job inside this runner (supervision) during this run. */
  readonly retryCount: number
  /** The runner holding the pipeline's lease for this run. */
  readonly runner: LeaseOwner | null
  /** The lease this run holds: name and token (the fence of its checkpoint writes). */
  readonly lease: { readonly name: string; readonly token: number } | null
  /** The runner this run took a stale lease over from, if it did. */
  readonly takeover: { readonly from: LeaseOwner; readonly at: number; readonly lastHeartbeat: number | null } | null
  readonly lastHeartbeat: number
  readonly lastCheckpoint: RunCheckpoint | null
  /**
   * The plan this run runs (`oxiflow plan`'s description, with the state its hosts registered),
   * written once its hosts are open. Absent before that, and in records written before it existed.
   */
  readonly plan?: PlanDescription
}

/** The errors list keeps this many, newest last. */
export const MAX_RUN_ERRORS = 20

/**
 * The run record's key in a store.
 *
 * @example
 * runRecordKey('clicks') // 'pipelines/clicks/run'
 */
export function runRecordKey(pipelineId: string): string {
  return `pipelines/${pipelineId}/run`
}

/**
 * The record with `error` appended; the oldest ones go (and are counted) beyond MAX_RUN_ERRORS.
 *
 * @example
 * record = withRunError(record, { step: 'parse', code: 'ERR_STEP', message: 'bad', offset: 'record #3', time: Date.now(), retryable: false })
 */
export function withRunError(record: RunRecord, error: RunError): RunRecord {
  const all = [...record.errors, error]
  const drop = Math.max(0, all.length - MAX_RUN_ERRORS)
  return { ...record, errors: all.slice(drop), errorsDropped: record.errorsDropped + drop }
}

/**
 * True when `value` has the shape of a run record of format 1 (what a reader checks before trusting it).
 *
 * @example
 * if (!isRunRecord(r.value)) throw new Error('not a run record')
 */
export function isRunRecord(value: unknown): value is RunRecord {
  const v = value as Partial<RunRecord> | null
  return typeof v === 'object' && v !== null && v.format === 1 && typeof v.pipelineId === 'string' && typeof v.runId === 'string' &&
    typeof v.status === 'string' && Array.isArray(v.errors) && typeof v.steps === 'object' && v.steps !== null &&
    (v.plan === undefined || (typeof v.plan === 'object' && v.plan !== null && Array.isArray(v.plan.steps) && Array.isArray(v.plan.actors)))
}
