import { randomUUID } from 'node:crypto'
import { withRunError, type RunRecord, type RunStatus } from '../../persistence/run-state/run-record.ts'
import { updateRunRecord } from '../../persistence/run-state/run-records.ts'
import { scrubCredentials } from '../../persistence/run-state/scrub-credentials.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { PlanDescription } from '../../persistence/plan-description.ts'
import { describePlan } from '../describe/describe-plan.ts'
import { stopRequested } from '../../persistence/run-state/stop-request.ts'
import type { LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'
import { runnerOwner } from '../checkpoint/runner-lease.ts'
import type { CheckpointResult, JobMetrics, JobSummary, LeaseState, RunRecordStats } from '../contracts/job.ts'
import type { JobEvents } from '../job/job-events.ts'
import type { Plan } from '../plan/plan.ts'
import { runErrorOf } from './run-error-of.ts'
import { runFigures, stepWorkers } from './step-run-states.ts'
import { restartsOf, withJobProblems, type ProblemsSeen } from './job-problems.ts'
import { startedRecord } from './started-record.ts'

/** How a job keeps its run record. */
export interface RunRecorderSettings {
  readonly workers: number
  /** Milliseconds between heartbeat writes (default 10 000). */
  readonly heartbeatMs: number
  /** Milliseconds between reads of this runner's stop request (default 1 000; one small read each). */
  readonly stopPollMs: number
}

/** The job a recorder keeps the record of: where its figures come from, and how to stop it (when `runner stop` asks). */
export interface RecordedSubject {
  metrics(): JobMetrics
  stop(): void
}

/**
 * Keeps a pipeline's run record (docs/architecture.md, "Run records") while its job runs, as the job's JobEvents: written once the runner holds
 * the lease (noting a takeover from a runner that died), at each checkpoint commit, every
 * heartbeat and at the end — never per record. Every write is a compare-and-set that re-reads
 * on a lost race; a record another run has taken over is left alone. It also polls the store
 * for `oxiflow runner stop` naming this run's lease and then stops the job gracefully. Its
 * timers are unref'd: they never keep a process alive.
 *
 * @example
 * const recorder = new RunRecorder(plan, store, { workers: 0, heartbeatMs: 10_000, stopPollMs: 1000 })
 * const recorder = new RunRecorder(plan, store, settings, { metrics: () => job.metrics(), stop: () => void job.stop() })
 * recorder.acquired({ lease: 'pipelines/p/lease', token: 1 })
 */
export class RunRecorder implements JobEvents {
  readonly runId = randomUUID()
  private readonly owner: LeaseOwner = runnerOwner()
  private readonly workers: Record<string, string>
  private readonly startedAt = Date.now()
  private lease: { name: string; token: number } | undefined
  private leaseLost = false
  private finished = false
  private queue: Promise<void> = Promise.resolve()
  private heartbeatWaiting = false
  private timers: NodeJS.Timeout[] = []
  private stopping = false
  private problemsRecorded: ProblemsSeen = { restarts: 0, checkpointProblems: 0, stalls: 0, records: {} }
  private problemsSeen: ProblemsSeen = this.problemsRecorded
  private stats = { writes: 0, failedWrites: 0, lastWriteError: undefined as string | undefined }
  /** The record as this recorder last wrote it: metrics() shows its errors. */
  private written: RunRecord | undefined

  constructor(private readonly plan: Plan, private readonly store: StateStore, private readonly settings: RunRecorderSettings,
    private readonly job: RecordedSubject) {
    this.workers = stepWorkers(plan, settings.workers)
  }

  get pipelineId(): string {
    return this.plan.pipelineId
  }

  /** The runner holds the lease: the run is on record as running, and heartbeats start. */
  acquired(fence: { readonly lease: string; readonly token: number }): void {
    const again = this.lease !== undefined
    this.lease = { name: fence.lease, token: fence.token }
    if (again) {
      // A restart inside this runner took the lease anew: same run, new token.
      this.enqueue((current) => { const r = this.figures(current, 'running'); return r && { ...r, lease: this.lease! } })
      return
    }
    this.enqueue((current) => this.started(current))
    const every = (ms: number, f: () => void): void => {
      const t = setInterval(f, ms)
      t.unref()
      this.timers.push(t)
    }
    every(this.settings.heartbeatMs, () => this.heartbeat())
    every(this.settings.stopPollMs, () => void this.pollStop())
  }

  /**
   * One heartbeat write, unless one is already waiting: figures are read when a write runs, so
   * a waiting heartbeat already carries the newest. Without this, a store slower than the
   * heartbeat (an outage) queued one more write per tick, without bound.
   */
  private heartbeat(): void {
    if (this.heartbeatWaiting) return
    this.heartbeatWaiting = true
    this.enqueue((current) => this.figures(current, 'running'), () => { this.heartbeatWaiting = false })
  }

  /**
   * The hosts are open and their holders known: the run's plan goes on record, described with
   * those holders (sources' and sinks' included), and without credentials in its details.
   */
  holders(entries: readonly HolderEntry[]): void {
    let described: PlanDescription
    try {
      described = describePlan(this.plan, { workers: this.settings.workers, holders: entries })
    } catch (e) {
      // The job checked these holders already (a cycle fails it first): a description that still
      // fails costs the record its plan, not the job its run.
      this.stats.lastWriteError = `describing the plan: ${runErrorOf(e, Date.now()).message}`
      return
    }
    const plan = { ...described, steps: described.steps.map((s) => (s.detail === undefined ? s : { ...s, detail: scrubCredentials(s.detail) })) }
    this.enqueue((current) => {
      const r = this.figures(current, 'running')
      return r && { ...r, plan }
    })
  }

  /** A checkpoint was committed: its figures go on record. */
  committed(result: CheckpointResult): void {
    const lastCheckpoint = { id: result.id, time: Date.now(), bytes: result.bytes, durationMs: Math.round(result.durationMs) }
    this.enqueue((current) => {
      const r = this.figures(current, 'running')
      return r && { ...r, lastCheckpoint }
    })
  }

  /**
   * The job ended (summary) or failed (error): the final write, awaited; nothing is written
   * afterwards. Called before the lease is released, and again (a no-op that waits for that
   * write) when `done` settles.
   */
  async ended(summary: JobSummary | undefined, error: unknown): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_LEASE_LOST') this.leaseLost = true
    if (this.lease !== undefined && !this.finished) {
      const status: RunStatus = error !== undefined ? 'failed' : summary?.status ?? 'completed'
      this.enqueue((current) => this.figures(current, status, error))
    }
    this.finished = true
    await this.queue
  }

  leaseState(): LeaseState | undefined {
    const l = this.lease
    return l && { name: l.name, token: l.token, runner: this.owner.runner, state: this.leaseLost ? 'lost' : this.finished ? 'released' : 'held' }
  }

  recordStats(): RunRecordStats {
    return { ...this.stats }
  }

  /** The errors of the record as last written (newest last) and how many older ones made room; undefined before the first write. */
  recordErrors(): { errors: RunRecord['errors']; errorsDropped: number } | undefined {
    const r = this.written
    return r && { errors: r.errors, errorsDropped: r.errorsDropped }
  }

  private started(current: RunRecord | undefined): RunRecord {
    return startedRecord(current, { pipelineId: this.pipelineId, runId: this.runId, startedAt: this.startedAt, owner: this.owner, lease: this.lease ?? null }, Date.now())
  }

  /** The record with fresh figures, or undefined when another run owns it now (we lost the pipeline). */
  private figures(current: RunRecord | undefined, status: RunStatus, error?: unknown): RunRecord | undefined {
    if (current !== undefined && current.runId !== this.runId) return undefined
    const now = Date.now()
    let r = current ?? this.started(undefined)
    const m = this.job.metrics()
    if (m) {
      // Restarts, checkpoint failures and stalls since the last write, before the error that ends
      // the run (errors are listed oldest first); counted as recorded once written.
      const problems = withJobProblems(r, m, this.problemsRecorded, now)
      r = problems.record
      this.problemsSeen = problems.seen
    }
    if (error !== undefined) r = withRunError(r, runErrorOf(error, now))
    if (m) {
      const failedStep = status === 'failed' ? r.errors.at(-1)?.step : undefined
      const stepStatus = (step: string): RunStatus => status === 'failed' ? (failedStep === step ? 'failed' : 'stopped') : status
      r = { ...r, ...runFigures(m, this.workers, stepStatus, now), retryCount: restartsOf(m) ?? r.retryCount }
    }
    return { ...r, status, lastHeartbeat: now, endedAt: status === 'running' ? null : now }
  }

  /** Writes go one at a time, in order; each is a compare-and-set with re-read (updateRunRecord). `starting` runs as the write's turn comes. */
  private enqueue(change: (current: RunRecord | undefined) => RunRecord | undefined, starting?: () => void): void {
    if (this.finished) return
    this.queue = this.queue.then(async () => {
      starting?.()
      try {
        this.written = await updateRunRecord(this.store, this.pipelineId, change) ?? this.written
        this.problemsRecorded = this.problemsSeen
        this.stats.writes++
      } catch (e) {
        this.stats.failedWrites++
        this.stats.lastWriteError = runErrorOf(e, Date.now()).message
      }
    })
  }

  private async pollStop(): Promise<void> {
    const l = this.lease
    if (!l || this.stopping || this.finished) return
    try {
      if (await stopRequested(this.store, this.owner.runner, l.name, l.token)) {
        this.stopping = true
        this.job.stop()
      }
    } catch (e) {
      this.stats.lastWriteError = `reading the stop request: ${runErrorOf(e, Date.now()).message}`
    }
  }
}
