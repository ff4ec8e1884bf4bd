import type { RunError } from '../../persistence/run-state/run-record.ts'
import type { RecordError } from './record-error.ts'
import type { CheckpointResult, CheckpointStats } from './checkpoint-stats.ts'

export type { CheckpointEvent, CheckpointResult, CheckpointStats } from './checkpoint-stats.ts'

/** What a step counted, summed over its parallel instances: in the summary and in live metrics. */
export interface StepCounts {
  readonly kind: string
  readonly parallelism: number
  readonly recordsIn: number
  readonly recordsOut: number
  /** Records dropped by `onError: 'skip'` or sent to a dead-letter sink. */
  readonly failed: number
  /** Window steps: records that came after their event-time window closed (sent to `lateTo`, else dropped). */
  readonly late?: number
}

/** A step's totals over its parallel instances, in the job summary. */
export interface StepSummary extends StepCounts {
  /** Time the step's actors spent handling messages, less their sends' waits for credit (fused steps share their actor's). */
  readonly busyMs: number
}

/**
 * The sinks' results by step name. `S` maps the sink names a pipeline chain added with `.sink(name, sink)`
 * to each sink's result (`sinks.collect()`: its records, `T[]`); other names — sinks added on another
 * branch, `<window step>-late` — read as `unknown`. A sink that keeps nothing (a file) has no result:
 * `undefined`.
 *
 * @example
 * const r: SinkResults<{ out: number[] }> = { out: [1, 2] }
 */
export type SinkResults<S = {}> = { readonly [K in keyof S]: S[K] } & Readonly<Record<string, unknown>>

/**
 * The entry `.sink(name, sink)` adds to a pipeline's sink results: `{ [name]: result }`, or
 * nothing when the name is not a literal (a `string` variable) and so cannot be looked up by type.
 *
 * @example
 * type E = SinkEntry<'out', number[]> // { readonly out: number[] }
 */
export type SinkEntry<N extends string, R> = string extends N ? {} : { readonly [P in N]: R }

/**
 * What `job.done` resolves with. `S` types `results` (see SinkResults); `p.run()` fills it in.
 *
 * @example
 * const { results } = await pipeline('p').source('in', sources.iterable([1, 2])).sink('out', sinks.collect()).run().done
 * const out: number[] = results.out
 */
export interface JobSummary<S = {}> {
  readonly pipelineId: string
  readonly status: 'completed' | 'stopped'
  readonly durationMs: number
  readonly steps: Readonly<Record<string, StepSummary>>
  /** Each sink's result by step name: `results.out` holds the records of `.sink('out', sinks.collect())`. */
  readonly results: SinkResults<S>
  /** By step name, a `collect()` dead-letter sink's letters of that step (each step its own, when steps share the sink). */
  readonly deadLetters: Readonly<Record<string, unknown>>
  /** Every state holder's snapshot at the end, with `run({ snapshotAtEnd: true })`; `run({ restoreFrom })` takes it. */
  readonly snapshot?: JobSnapshot
  /** Checkpoints taken, abandoned and failed, with the last one's figures (jobs with a store). */
  readonly checkpoints?: CheckpointStats
  /** Where the run started from, with `restore`: the checkpoint, the newer ones skipped and why, or fresh. */
  readonly restore?: RestoreReport
  /** With `restart`: the restarts taken, each with its cause and the checkpoint it restored. */
  readonly restarts?: RestartStats
}

/** Live figures of a step (`job.metrics()`). */
export interface StepMetrics extends StepCounts {
  /**
   * Records in per second over a trailing window of about one second. The job samples every
   * step's `recordsIn` every 250 ms while it runs (a worker's figures as of its answer) and once
   * at its end; the rate is the change from the newest sample at least 1 s older than the newest
   * one (or the job's start, in its first second) to the newest one, over the time between them
   * — so it covers 1 to 1.25 s and is at most ~250 ms old. Reading it changes nothing: every
   * reader (the progress line, a Prometheus scrape, your own polling) sees the same figure
   * between two samples, however often it reads. 0 before the first sample; once the job ended,
   * the rate of its last second. A source's `recordsIn` is the records it read.
   */
  readonly ratePerSec: number
  /** Share of wall time the step's actors were handling messages, not counting waits for credit. */
  readonly busyPercent: number
  /** Time the step's actors waited for downstream credit (backpressure). */
  readonly backpressureMs: number
  /** Messages delivered to the step's actors and not yet handled. */
  readonly queueDepth: number
  /**
   * Checkpoint barrier alignment of the step's actors: from the first input delivering a
   * barrier to the last (meanwhile the inputs that delivered it are held back). `count` adds
   * up the instances; `lastMs` and `maxMs` are the slowest instance's. Sources do not align.
   */
  readonly alignment: AlignmentStats
  /** Sources: batches read, and bytes read when the source counts them (files do). */
  readonly batches?: number
  readonly bytes?: number
  /**
   * Sources whose readers know the bytes they will read (file sources: `jsonl`, `csv`), once
   * every split said so: how far the step is through its input. Absent for unbounded and
   * non-file sources.
   */
  readonly progress?: SourceProgress
  /**
   * The newest errors of records the step dropped under its `onError` policy (skipped, or sent
   * to a dead-letter sink), oldest first: each instance keeps its newest 3, the step shows the
   * newest 10 of those. Absent while it dropped none. `failed` counts them all.
   */
  readonly errors?: readonly RecordError[]
}

/**
 * How far a bounded file source is through its input (`metrics().steps[name].progress`), summed
 * over its splits. After a restore or a restart it is the progress of this run (or attempt)
 * through what is left from the restored position, not through the whole file.
 *
 * @example
 * const p = job.metrics().steps.in.progress; if (p) console.log(`${(100 * p.fraction).toFixed(1)} %`, p.etaMs)
 */
export interface SourceProgress {
  /** Bytes of the input read so far (whole lines: a chunk counts once its lines are read). */
  readonly bytesRead: number
  /**
   * Bytes the splits read in all: the file's size (from the restored position after a restore),
   * as taken when the file was opened (bytes appended later are not read). While a split reads,
   * its not yet read chunks count at their nominal size; a read chunk counts at the bytes of the
   * lines that start in it, so the total settles on what was read by the end.
   */
  readonly bytesTotal: number
  /** bytesRead / bytesTotal, in [0, 1] (1 for an empty file); 1 once every split read its last chunk. */
  readonly fraction: number
  /**
   * Estimated time left in ms: the bytes left over the bytes read per second in the same
   * trailing window as `ratePerSec`. Absent until that rate is known and above 0 (the first
   * 250 ms, a stalled read); 0 once everything is read.
   */
  readonly etaMs?: number
}

/** `restarting`: an attempt failed and the job waits out its backoff before starting again from its last checkpoint. */
export type JobStatus = 'starting' | 'running' | 'restarting' | 'completed' | 'stopped' | 'failed'

/**
 * What `job.metrics()` returns: the job's live figures.
 *
 * @example
 * const { status, steps } = job.metrics(); console.log(status, steps.out.recordsIn)
 */
export interface JobMetrics {
  readonly pipelineId: string
  readonly status: JobStatus
  readonly elapsedMs: number
  readonly steps: Readonly<Record<string, StepMetrics>>
  readonly checkpoints?: CheckpointStats
  /** Where the run started from (with `restore`), as soon as the restore is done. */
  readonly restore?: RestoreReport
  /** With `restart`: the restarts so far, with their causes. */
  readonly restarts?: RestartStats
  /** The pipeline's lease as this runner holds it (jobs with a store). */
  readonly lease?: LeaseState
  /** The run record's writes: count, failures and the last failure (jobs with a store). */
  readonly runRecord?: RunRecordStats
  /**
   * The newest errors of the run, newest last, at most 20, each with step, code, message,
   * offset, time and retryable. Jobs with a store: the run record's errors as this runner last
   * wrote it — the same entries `readRunRecord` and `oxiflow state show --json` give
   * (`run.errors`): restarts and their causes, failed or abandoned checkpoints, stalls, a lease
   * taken over, the error that failed the job, and records dropped under `onError` (skipped or
   * dead-lettered: the newest few of each step instance at each write, `steps[name].errors`;
   * `failed` counts them all). Updated when the record is written (the lease taken, each
   * checkpoint commit, every heartbeat, the end), so up to `heartbeatInterval` behind; absent
   * before the first write. Jobs without a store: the dropped records' errors, live; absent
   * while there are none.
   */
  readonly errors?: readonly RunError[]
  /** With `errors`: older errors that made room (the record's `errorsDropped`). */
  readonly errorsDropped?: number
  /** The current stall (`active`), or the last one: which steps, channels, credits or barriers held the work (see `stallTimeout`). */
  readonly stall?: StallState
}

/**
 * A running pipeline. `done` resolves with the summary when a bounded input is exhausted and
 * everything is flushed, or after `stop()`; it rejects with a typed error when the job fails.
 *
 * @example
 * const job = p.run(); setTimeout(() => job.stop(), 5000); const summary = await job.done
 */
export interface Job<S = {}> {
  readonly pipelineId: string
  readonly done: Promise<JobSummary<S>>
  /**
   * Graceful stop: sources read no more, in-flight batches drain, open windows do not fire; the
   * summary's status is 'stopped'. Once the input has run out there is nothing left to stop: the
   * job completes as it would have (status 'completed', with its end's checkpoint).
   */
  stop(): Promise<JobSummary<S>>
  metrics(): JobMetrics
  /**
   * Takes a checkpoint now (the job needs a store): resolves once its manifest is committed.
   *
   * @example
   * const { id, bytes, durationMs } = await job.checkpoint()
   */
  checkpoint(): Promise<CheckpointResult>
}

/** Where a run started from: a checkpoint (and the newer ones skipped, with why), or fresh. */
export interface RestoreReport {
  readonly checkpointId: number | undefined
  readonly skipped: readonly { readonly id: number; readonly reason: string }[]
  readonly message: string
  /** With `allowNonRestoredState`: the checkpoint's states that no step took, dropped. */
  readonly dropped?: readonly { readonly stateId: string; readonly step: string }[]
  /** From reading the manifests to the last holder restored, blobs' reads and checks (any skipped checkpoint's too) included. */
  readonly durationMs?: number
  /** Bytes of state restored, as stored and before compression. */
  readonly bytes?: number
  readonly rawBytes?: number
}

/** One restart, as the job summary and metrics list it. */
export interface RestartRecord {
  /** 1 for the first restart. */
  readonly attempt: number
  /** What failed the attempt before it: the error's name, code and message. */
  readonly cause: { readonly name: string; readonly code: string | undefined; readonly message: string }
  /** Epoch ms of the failure. */
  readonly at: number
  /** The checkpoint the restart restored, or undefined when none was committed yet (it started fresh). */
  readonly restoredFrom?: number
}

/** The restarts of a job (`summary.restarts`, `metrics().restarts`). */
export interface RestartStats {
  readonly attempts: number
  readonly allowed: number
  readonly causes: readonly RestartRecord[]
}

/** The lease as `job.metrics().lease` shows it. */
export interface LeaseState {
  readonly name: string
  readonly token: number
  readonly runner: string
  readonly state: 'held' | 'released' | 'lost'
}

/** The run-record writer's own figures (`job.metrics().runRecord`): a write that failed is counted, never hidden. */
export interface RunRecordStats {
  readonly writes: number
  readonly failedWrites: number
  readonly lastWriteError: string | undefined
}

/**
 * Every state holder's snapshot of a job at one moment, by state id: the holder's version and
 * the snapshot of each parallel instance, in instance order. Plain data (v8-serializable).
 * Taken with `run({ snapshotAtEnd: true })` (`summary.snapshot`) and handed to
 * `run({ restoreFrom })`, with the same parallelism — the handoff `testing.snapshotRestoreEquals`
 * uses; checkpoints are the durable form.
 *
 * @example
 * const { snapshot } = await p.run({ snapshotAtEnd: true }).done
 */
export type JobSnapshot = Map<string, { readonly stateVersion: string; readonly instances: unknown[] }>

/** Barrier alignment figures: from an actor's first input delivering barrier n to its last. */
export interface AlignmentStats {
  readonly count: number
  readonly totalMs: number
  readonly maxMs: number
  readonly lastMs: number
}

/** A stall as `job.metrics().stall` shows it: the current one, or the last one if progress came back. */
export interface StallState {
  /** Stalls seen so far in this job. */
  readonly count: number
  /** True while the job is still stalled. */
  readonly active: boolean
  /** Epoch ms of the last progress before it. */
  readonly since: number
  readonly idleMs: number
  readonly waits: readonly StallWait[]
  readonly message: string
}

/** One instance that holds work up, as a stall report lists it. */
export interface StallWait {
  /** The step at the head of the instance's chain, e.g. `out`, and its instance index. */
  readonly step: string
  readonly instance: number
  /** Messages delivered to the instance and not handled yet. */
  readonly queued: number
  /** What it waits for, e.g. `handling a batch for 12.0 s` or `waiting for credit on channel …`. */
  readonly waiting: string | undefined
}
