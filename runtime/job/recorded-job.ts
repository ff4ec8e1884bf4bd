import type { CheckpointResult } from '../checkpoint/checkpoint-coordinator.ts'
import type { Job, JobMetrics, JobSummary } from './start-job.ts'
import type { RunRecorder } from '../run-state/run-recorder.ts'

/**
 * A job whose run record is kept by `recorder`: `done` settles only after the final run-record
 * write, so whoever awaits it (the CLI, a test) then reads the end on record. `metrics()` adds
 * the lease and the recorder's own figures.
 *
 * @example
 * const job = new RecordedJob(running, recorder); const summary = await job.done // record says 'completed'
 */
export class RecordedJob implements Job {
  readonly pipelineId: string
  readonly done: Promise<JobSummary>

  constructor(private readonly inner: Job, private readonly recorder: RunRecorder) {
    this.pipelineId = inner.pipelineId
    recorder.bind(() => inner.metrics(), () => { void this.stop().catch(() => undefined) })
    this.done = inner.done.then(
      async (summary) => { await recorder.end(summary, undefined); return summary },
      async (e: unknown) => { await recorder.end(undefined, e); throw e })
    this.done.catch(() => {}) // as RunningJob: a caller that only awaits stop() sees no unhandled rejection
  }

  stop(): Promise<JobSummary> {
    // The inner job's own promise reports the same outcome as this.done; only done is awaited.
    this.inner.stop().catch(() => undefined)
    return this.done
  }

  metrics(): JobMetrics {
    const lease = this.recorder.leaseState()
    return { ...this.inner.metrics(), ...(lease && { lease }), runRecord: this.recorder.recordStats() }
  }

  checkpoint(): Promise<CheckpointResult> {
    return this.inner.checkpoint()
  }
}
