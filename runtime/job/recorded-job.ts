import type { StateStore } from '../../persistence/stores/state-store.ts'
import type { CheckpointResult, Job, JobMetrics, JobSummary } from '../contracts/job.ts'
import type { Plan } from '../plan/plan.ts'
import { RunRecorder, type RunRecorderSettings } from '../run-state/run-recorder.ts'
import type { JobEvents } from './job-events.ts'

/**
 * A job whose run record is kept by a RunRecorder: the recorder is made first and handed to
 * `start` as the job's JobEvents, and it reads the job's figures (and stops it when `runner
 * stop` asks) through this job. `done` settles only after the final run-record write, so
 * whoever awaits it (the CLI, a test) then reads the end on record. `metrics()` adds the lease,
 * the recorder's own figures and the record's errors as last written.
 *
 * @example
 * const job = new RecordedJob(plan, store, settings, (events) => new RunningJob(plan, hosts, options, events))
 * const summary = await job.done // record says 'completed'
 */
export class RecordedJob implements Job {
  readonly pipelineId: string
  readonly done: Promise<JobSummary>
  private readonly recorder: RunRecorder
  private readonly inner: Job

  constructor(plan: Plan, store: StateStore, settings: RunRecorderSettings, start: (events: JobEvents) => Job) {
    // The recorder reads the figures only once the lease is taken (after `start` returned).
    this.recorder = new RunRecorder(plan, store, settings, {
      metrics: () => this.inner.metrics(),
      stop: () => { void this.stop().catch(() => undefined) },
    })
    const recorder = this.recorder
    this.inner = start(recorder)
    this.pipelineId = this.inner.pipelineId
    this.done = this.inner.done.then(
      async (summary) => { await recorder.ended(summary, undefined); return summary },
      async (e: unknown) => { await recorder.ended(undefined, e); throw e })
    this.done.catch(() => {}) // as RunningJob: a caller that only awaits stop() sees no unhandled rejection
  }

  stop(): Promise<JobSummary> {
    // The inner job's own promise reports the same outcome as this.done; only done is awaited.
    this.inner.stop().catch(() => undefined)
    return this.done
  }

  metrics(): JobMetrics {
    const lease = this.recorder.leaseState()
    return { ...this.inner.metrics(), ...(lease && { lease }), runRecord: this.recorder.recordStats(), ...this.recorder.recordErrors() }
  }

  checkpoint(): Promise<CheckpointResult> {
    return this.inner.checkpoint()
  }
}
