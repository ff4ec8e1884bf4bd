import { droppedErrorsOf } from '../run-state/dropped-record-errors.ts'
import { JobCheckpointing } from '../checkpoint/job-checkpointing.ts'
import type { CheckpointResult, Job, JobMetrics, JobStatus, JobSummary, RestartRecord, RestartStats, StepSummary } from '../contracts/job.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { OxiflowError } from '../errors/oxiflow-error.ts'
import type { Host } from '../host/host.ts'
import { mergeSnapshots } from '../host/host-snapshot.ts'
import type { Plan } from '../plan/plan.ts'
import { endFailedHosts } from './end-failed-hosts.ts'
import { HostFigures } from './host-figures.ts'
import type { JobEvents } from './job-events.ts'
import { JobRates } from './job-rates.ts'
import { joinResults, stepTotals } from './job-stats.ts'
import { backoffFor, isRestartable, type RestartPolicy } from './restart-policy.ts'
import type { JobOptions } from './run-options.ts'
import { StallDetector } from './stall-detector.ts'
import { stepMetrics } from './step-metrics.ts'
import { StopLimit } from './stop-limit.ts'

/** What a RunningJob takes of the job's options. */
export type RunningJobOptions = Pick<JobOptions, 'restoreFrom' | 'snapshotAtEnd' | 'stall' | 'checkpointing' | 'restart'>

/**
 * A job over one or more hosts (this thread, worker threads): opens them all, runs them to the
 * end, gathers figures and results, closes them. On the first failure anywhere every host is
 * cancelled and closed; with a restart policy and attempts left, new hosts start from the last
 * checkpoint (same runner, same lease), otherwise `done` rejects with that (typed) error. With
 * checkpoints, `events` (the run recorder) hears of the lease, each commit and the outcome.
 *
 * @example
 * const job = new RunningJob(plan, () => createHosts(plan, options), options); const summary = await job.done
 */
export class RunningJob implements Job {
  readonly pipelineId: string
  readonly done: Promise<JobSummary>
  private status: JobStatus = 'starting'
  private opened = false
  private stopRequested = false
  /** The attempt's hosts finished running (input exhausted, or stopped): what is left is the end. Reset when an attempt fails. */
  private ranOut = false
  private readonly startedAt = performance.now()
  private endedAt: number | undefined
  /** The hosts' figures, those of failed attempts' hosts included (their work counts, replays included). */
  private readonly figures = new HostFigures()
  /** Sampled counters: rates are read from them, so metrics() has no side effect on any other reader. */
  private readonly rates = new JobRates(async () => { await this.figures.sample(this.hosts); return this.totals() })

  /** Rejects when something outside the hosts fails the job (a lost lease). */
  private readonly failure: Promise<never>
  private fail!: (e: unknown) => void

  /** The current attempt's hosts. */
  private hosts: readonly Host[] = []
  private readonly restarts: RestartRecord[] = []
  /** Ends a restart's backoff early: a stop was asked meanwhile. */
  private wakeBackoff: (() => void) | undefined

  /** Stall detection over the current attempt's hosts; its report also says what a stop that timed out waits for. */
  private readonly detector: StallDetector
  /** Fails the job when a graceful stop has not finished after stopTimeout, wherever it waits. */
  private readonly stopLimit = new StopLimit()
  /** What the attempt waits for once its hosts ran out (for a stop's report): its last checkpoint, the hosts' results, their close. */
  private ending: string | undefined

  private readonly cp: JobCheckpointing | undefined
  /** Undefined when a failure ends the job (always without checkpoints: a restart continues from one). */
  private readonly restart: RestartPolicy | undefined

  constructor(private readonly plan: Plan, private readonly makeHosts: () => Host[], private readonly handoff: RunningJobOptions, events?: JobEvents) {
    this.pipelineId = plan.pipelineId
    this.failure = new Promise<never>((_, reject) => { this.fail = reject })
    this.failure.catch(() => {})
    const cp = handoff.checkpointing
    this.cp = cp && new JobCheckpointing(plan, cp, (e) => this.fail(e), events)
    this.restart = cp && handoff.restart
    const stall = handoff.stall
    // 'fail' ends the job with the report; 'warn' leaves it in metrics().stall (and the run record).
    this.detector = new StallDetector(plan, stall.timeoutMs, (waitMs) => this.figures.sample(this.hosts, waitMs), (e) => { if (stall.onStall === 'fail') this.fail(e) })
    // The run races `failure`; the stop limit's error fails it too (execute races the whole attempt against the limit).
    this.stopLimit.expired.catch((e: unknown) => this.fail(e))
    this.rates.note(this.startedAt, this.totals())
    this.done = this.execute()
    this.done.catch(() => {}) // a caller that only awaits stop() must not see an unhandled rejection
  }

  /**
   * Graceful stop. With checkpoints, a final one is taken first and sources end right after its
   * barrier, so a restore continues exactly where this run stopped; if it cannot be taken, the
   * job stops anyway and the summary says why. After the input ran out it changes nothing: the
   * job completes.
   */
  stop(): Promise<JobSummary> {
    // The input ran out already: the job completes with its end's checkpoint. A stop's checkpoint
    // asked for now would come after that point's wait for checkpoints in flight, race the hosts'
    // close and fail — and the job would end 'stopped' with an older checkpoint as its last, so
    // its restore emitted the end again (found on workers: duplicates at every key's end).
    if (this.stopRequested || this.ranOut) return this.done
    this.stopRequested = true
    // Between attempts: the next one starts at once, restores the last checkpoint and stops.
    this.wakeBackoff?.()
    if (this.opened) this.stopHosts()
    this.limitStop(this.handoff.stall.stopTimeoutMs)
    return this.done
  }

  /**
   * A graceful stop that has not finished after `ms` fails the job with a StallError naming what
   * it waits for (a step that does not return, a barrier that cannot align, a close that does not
   * return): the hosts are then stopped hard, and a restore resumes from the last committed checkpoint.
   */
  private limitStop(ms: number): void {
    this.stopLimit.start(ms, () => this.detector.report('stop', `pipeline '${this.pipelineId}': the graceful stop did not finish within ${ms} ms ` +
      `(stopTimeout); it waits for${this.ending === undefined ? '' : ` ${this.ending}`}`, () => this.cp?.inProgress()))
    void this.done.finally(() => this.stopLimit.clear()).catch(() => {})
  }

  /** Stops the running hosts: with checkpoints after a final one (sources end at its barrier). */
  private stopHosts(): void {
    const plain = (): void => { for (const h of this.hosts) void Promise.resolve(h.stop()).catch(() => {}) }
    if (this.cp) this.cp.checkpoint(true).catch(plain)
    else plain()
  }

  checkpoint(): Promise<CheckpointResult> {
    if (!this.cp) {
      return Promise.reject(new OxiflowError('ERR_NO_CHECKPOINTS', `pipeline '${this.pipelineId}' runs without a store; ` +
        "run it with { store: '.oxiflow' } (or checkpointInterval) to take checkpoints"))
    }
    return this.cp.checkpoint()
  }

  /**
   * The job's live figures. Cheap and free of side effects (the TTY line and a page call it
   * every 500 ms): counters as last known (a worker host's fetched at most every 100 ms), rates
   * from the sampled history (see `StepMetrics.ratePerSec`).
   */
  metrics(): JobMetrics {
    const now = this.endedAt ?? performance.now()
    const elapsedMs = now - this.startedAt
    const steps = stepMetrics(stepTotals(this.plan, this.figures.current(this.hosts, this.endedAt !== undefined)), this.rates.window, elapsedMs)
    const stall = this.detector.state
    // A job with a store lists these in its run record, whose errors RecordedJob gives instead.
    const errors = this.cp ? undefined : droppedErrorsOf(steps)
    return { pipelineId: this.pipelineId, status: this.status, elapsedMs, steps, ...(stall && { stall }), ...(this.cp && { checkpoints: this.cp.stats() }),
      ...(errors && { errors, errorsDropped: 0 }),
      ...(this.cp?.restored && { restore: this.cp.restored }), ...(this.restart && { restarts: this.restartStats() }) }
  }

  /** Step totals of the figures as last answered (fetching nothing). */
  private totals(): ReturnType<typeof stepTotals> {
    return stepTotals(this.plan, this.figures.latest(this.hosts))
  }

  /** The job ended: the end's figures are the rates' last sample, and sampling stops. */
  private ended(): number {
    const at = this.endedAt = performance.now()
    this.rates.stop()
    this.rates.note(at, this.totals())
    return at
  }

  private restartStats(): RestartStats {
    return { attempts: this.restarts.length, allowed: this.restart?.attempts ?? 0, causes: [...this.restarts] }
  }

  private async execute(): Promise<JobSummary> {
    // Timers of the job clock are unref'd (a stopped job must not keep a process up), so a job
    // that only waits on them — a paced source — holds the process alive itself until it ends.
    const keepAlive = setInterval(() => {}, 2 ** 30)
    let summary: JobSummary | undefined
    let failure: unknown
    this.rates.start()
    try {
      await this.cp?.acquire()
      for (;;) {
        this.hosts = this.makeHosts()
        try {
          // The whole attempt races the stop limit, not only its run: its end can hang too (a
          // reader's close waiting for a read the source's stop grace abandoned).
          summary = await this.stopLimit.race(this.attempt())
          return summary
        } catch (e) {
          // A failure after the hosts ran out (the end's checkpoint, a close): a stop during the
          // restart's backoff must still stop the next attempt.
          this.ranOut = false
          this.ending = undefined
          await this.cp?.halt()
          await endFailedHosts(this.hosts, this.figures, e, e === this.stopLimit.error)
          if (!(await this.restartAfter(e))) throw e
        }
      }
    } catch (e) {
      this.ended()
      this.status = 'failed'
      failure = e
      throw e
    } finally {
      clearInterval(keepAlive)
      // The end goes on record before the lease is released (whoever sees the lease free then
      // reads the final status); a lease that cannot be released expires by itself.
      await this.cp?.close(summary, failure).catch(() => {})
    }
  }

  /** One attempt: open the hosts, restore (the asked checkpoint, or after a restart the latest), run to the end, close. */
  private async attempt(): Promise<JobSummary> {
    await this.all((h) => h.open())
    await this.cp?.restore(this.hosts, this.restarts.length > 0 ? 'latest' : undefined)
    const restart = this.restarts.at(-1)
    if (restart) this.restarts[this.restarts.length - 1] = { ...restart, ...(this.cp?.restored?.checkpointId !== undefined && { restoredFrom: this.cp.restored.checkpointId }) }
    const restoreFrom = this.handoff.restoreFrom
    if (restoreFrom && this.restarts.length === 0) for (const h of this.hosts) await (h.restore ?? refuse('restoreFrom')).call(h, restoreFrom)
    this.opened = true
    this.status = 'running'
    this.cp?.start(this.hosts)
    if (this.stopRequested) this.stopHosts()
    this.detector.start()
    try {
      await Promise.race([this.all((h) => h.run()), this.failure])
      this.ranOut = true
    } finally {
      this.detector.stop()
    }
    // A checkpoint in flight finishes (with the instances' final state) before anything closes.
    this.ending = 'its last checkpoint'
    await this.cp?.quiesce()
    if (!this.stopRequested) await this.cp?.completed()
    this.ending = "the hosts' results"
    const snapshot = this.handoff.snapshotAtEnd
      ? mergeSnapshots(await Promise.all(this.hosts.map((h) => (h.snapshot ?? refuse('snapshotAtEnd')).call(h)))) : undefined
    await this.figures.refresh(this.hosts)
    const parts = await Promise.all(this.hosts.map((h) => h.results()))
    this.ending = 'the hosts to close'
    await this.all((h) => h.close())
    this.ending = undefined
    // A stop that ran past its limit failed the job meanwhile: an end that came after all is not this job's.
    if (this.stopLimit.error !== undefined) throw this.stopLimit.error
    const endedAt = this.ended()
    this.status = this.stopRequested ? 'stopped' : 'completed'
    const steps: Record<string, StepSummary> = {}
    for (const [name, s] of Object.entries(this.totals())) {
      steps[name] = { kind: s.kind, parallelism: s.parallelism, recordsIn: s.recordsIn, recordsOut: s.recordsOut, failed: s.failed,
        // As metrics' busyPercent: the time its sends waited for credit is the receiver's, not this step's.
        ...(s.late !== undefined && { late: s.late }), busyMs: Math.max(0, s.busyMs - s.backpressureMs) }
    }
    return { pipelineId: this.pipelineId, status: this.status, durationMs: endedAt - this.startedAt, steps, ...joinResults(this.plan, parts),
      ...(snapshot && { snapshot }), ...(this.cp && { checkpoints: this.cp.stats() }), ...(this.cp?.restored && { restore: this.cp.restored }),
      ...(this.restart && { restarts: this.restartStats() }) }
  }

  /**
   * After a failed attempt: true (having waited the backoff, and recorded the failure as the
   * restart's cause) when the policy allows another attempt and the failure is one a restart
   * can get past; false when the job must fail with it.
   */
  private async restartAfter(e: unknown): Promise<boolean> {
    const policy = this.restart
    if (!policy || this.restarts.length >= policy.attempts || !isRestartable(e)) return false
    const attempt = this.restarts.length + 1
    const err = e as { name?: unknown; code?: unknown; message?: unknown } | null
    this.status = 'restarting'
    this.opened = false
    this.figures.retire(this.hosts)
    // A failure while a stop drains (asked for before it) is restarted too, at once: the attempt
    // restores the last checkpoint and stops there, so the job ends 'stopped' as asked — as a stop
    // asked during the backoff does (it failed with the step's error, though restarts were allowed).
    if (!this.stopRequested) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffFor(policy, attempt))
        this.wakeBackoff = () => { clearTimeout(timer); resolve() }
      })
    }
    this.wakeBackoff = undefined
    this.restarts.push({
      attempt, at: Date.now(),
      cause: { name: typeof err?.name === 'string' ? err.name : 'Error', code: typeof err?.code === 'string' ? err.code : undefined,
        message: typeof err?.message === 'string' ? err.message : String(e) },
    })
    // A stop asked during the backoff still takes the attempt: it restores the last checkpoint
    // and stops at once, so the job ends 'stopped' (with a summary), not failed with the cause.
    return true
  }

  /** Runs `f` on every host; rejects with the first failure without waiting for the others. */
  private all(f: (h: Host) => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      let pending = this.hosts.length
      for (const h of this.hosts) f(h).then(() => { if (--pending === 0) resolve() }, reject)
    })
  }
}

/** A host that cannot hand its state over (a worker host, for now). */
function refuse(option: 'restoreFrom' | 'snapshotAtEnd'): never {
  throw new InvalidOptionError(option, `run(options): options.${option} needs workers: 0 for now (worker hosts do not hand state over yet)`)
}

