import { Deployment, type Instance } from './deployment.ts'
import type { Job, JobMetrics, JobStatus, JobSummary, StepMetrics, StepSummary } from './job.ts'
import type { Plan } from './plan.ts'
import type { ResolvedRunOptions } from './run-options.ts'

/**
 * A job whose actors all run on this thread (`workers: 0`): opens the deployment, runs it to
 * the end, closes it, and reports. On the first failure every actor is cancelled and `done`
 * rejects with that (typed) error.
 */
export class InlineJob implements Job {
  readonly pipelineId: string
  readonly done: Promise<JobSummary>
  private status: JobStatus = 'starting'
  private deployment: Deployment | undefined
  private stopRequested = false
  private readonly startedAt = performance.now()
  private endedAt: number | undefined
  private lastSample = { at: this.startedAt, recordsIn: new Map<string, number>() }

  constructor(private readonly plan: Plan, private readonly options: ResolvedRunOptions) {
    this.pipelineId = plan.pipelineId
    this.done = this.execute()
    this.done.catch(() => {}) // a caller that only awaits stop() must not see an unhandled rejection
  }

  stop(): Promise<JobSummary> {
    this.stopRequested = true
    this.deployment?.stop()
    return this.done
  }

  metrics(): JobMetrics {
    const now = this.endedAt ?? performance.now()
    const elapsedMs = now - this.startedAt
    const dt = Math.max(1e-3, (now - this.lastSample.at) / 1000)
    const steps: Record<string, StepMetrics> = {}
    const recordsIn = new Map<string, number>()
    for (const [name, s] of Object.entries(this.stepTotals())) {
      recordsIn.set(name, s.recordsIn)
      steps[name] = {
        kind: s.kind, parallelism: s.parallelism, recordsIn: s.recordsIn, recordsOut: s.recordsOut, failed: s.failed,
        ratePerSec: (s.recordsIn - (this.lastSample.recordsIn.get(name) ?? 0)) / dt,
        busyPercent: elapsedMs > 0 ? Math.min(100, (100 * Math.max(0, s.busyMs - s.backpressureMs)) / (elapsedMs * s.parallelism)) : 0,
        backpressureMs: s.backpressureMs,
        queueDepth: s.queueDepth,
      }
    }
    this.lastSample = { at: now, recordsIn }
    return { pipelineId: this.pipelineId, status: this.status, elapsedMs, steps }
  }

  private async execute(): Promise<JobSummary> {
    // Timers of the job clock are unref'd (a stopped job must not keep a process up), so a job
    // that only waits on them — a paced source — holds the process alive itself until it ends.
    const keepAlive = setInterval(() => {}, 2 ** 30)
    try {
      const deployment = await Deployment.open(this.plan, { clock: this.options.clock, batchSize: this.options.batchSize, channelCapacity: this.options.channelCapacity })
      this.deployment = deployment
      this.status = 'running'
      const running = deployment.run()
      if (this.stopRequested) deployment.stop()
      try {
        await running
      } catch (e) {
        deployment.cancel(e)
        await deployment.close().catch(() => {}) // the first failure is what the caller needs to see
        throw e
      }
      await deployment.close()
      const results: Record<string, unknown> = {}
      for (const inst of deployment.instances) {
        for (const op of inst.operators) {
          const step = inst.vertex.steps[inst.operators.indexOf(op)]
          if (step.spec.kind === 'sink') results[step.name] = mergeResults(results[step.name], op.result?.(), inst.vertex.parallelism)
        }
      }
      this.endedAt = performance.now()
      this.status = this.stopRequested ? 'stopped' : 'completed'
      const steps: Record<string, StepSummary> = {}
      for (const [name, s] of Object.entries(this.stepTotals())) {
        steps[name] = { kind: s.kind, parallelism: s.parallelism, recordsIn: s.recordsIn, recordsOut: s.recordsOut, failed: s.failed, busyMs: s.busyMs }
      }
      return {
        pipelineId: this.pipelineId, status: this.status, durationMs: this.endedAt - this.startedAt,
        steps, results, deadLetters: await deployment.deadLetters.results(),
      }
    } catch (e) {
      this.endedAt = performance.now()
      this.status = 'failed'
      throw e
    } finally {
      clearInterval(keepAlive)
    }
  }

  private stepTotals(): Record<string, StepSummary & { backpressureMs: number; queueDepth: number }> {
    const totals: Record<string, StepSummary & { backpressureMs: number; queueDepth: number }> = {}
    for (const v of this.plan.vertices) {
      for (const step of v.steps) {
        totals[step.name] = { kind: step.spec.kind, parallelism: v.parallelism, recordsIn: 0, recordsOut: 0, failed: 0, busyMs: 0, backpressureMs: 0, queueDepth: 0 }
      }
    }
    for (const inst of this.deployment?.instances ?? []) addInstance(totals, inst)
    return totals
  }
}

function addInstance(totals: Record<string, StepSummary & { backpressureMs: number; queueDepth: number }>, inst: Instance): void {
  for (const [step, c] of inst.counters) {
    const t = totals[step.name] as { -readonly [K in keyof StepSummary]: StepSummary[K] } & { backpressureMs: number; queueDepth: number }
    t.recordsIn += c.recordsIn
    t.recordsOut += c.recordsOut
    t.failed += c.failed
    t.busyMs += inst.actor?.busyMs ?? inst.source?.busyMs ?? 0
    t.backpressureMs += inst.router?.blockedMs ?? 0
    t.queueDepth += inst.actor?.queueDepth ?? 0
  }
}

/** A parallel sink's instances each return a result: arrays are concatenated, others listed. */
function mergeResults(previous: unknown, next: unknown, parallelism: number): unknown {
  if (parallelism === 1) return next
  if (previous === undefined) return Array.isArray(next) ? [...next] : [next]
  if (Array.isArray(next)) return [...(previous as unknown[]), ...next]
  return [...(previous as unknown[]), next]
}
