import { createRequire } from 'node:module'
import type { Registry } from 'prom-client'
import type { JobMetrics, SourceProgress } from '../contracts/job.ts'

/**
 * A fresh prom-client Registry (never the global one) whose metrics are read from a JobMetrics
 * sample at each scrape: `sample()` gives the one sample a scrape uses for every metric.
 * Per step (label `step`): records in/out/failed, rate, backpressure time, queue depth; per file
 * source step with progress (`steps[name].progress`): bytes read, bytes in all, fraction and time
 * left — the step name is the label, never the file's path; per job:
 * elapsed time, checkpoints (completed, failed, abandoned, last duration, alignment time and size), the lease
 * (held, token) and the run record's writes. No store URL or credential is ever a label or value.
 *
 * @example
 * const registry = jobRegistry('clicks', () => job.metrics()); const text = await registry.metrics()
 */
export function jobRegistry(pipelineId: string, sample: () => JobMetrics | undefined): Registry {
  // Loaded when metrics are served: every process and worker thread imports oxiflow.
  const { Counter, Gauge, Registry: PromRegistry } = createRequire(import.meta.url)('prom-client') as typeof import('prom-client')
  const registry = new PromRegistry()
  registry.setDefaultLabels({ pipeline: pipelineId })
  let m: JobMetrics | undefined
  const registers = [registry]
  const steps = (): Array<[string, JobMetrics['steps'][string]]> => Object.entries(m?.steps ?? {})
  const perStep = (name: string, help: string, read: (s: JobMetrics['steps'][string]) => number, counter: boolean): void => {
    // A counter's value is the job's running total: reset, then add it (counters cannot be set).
    if (counter) {
      new Counter({ name, help, labelNames: ['step'], registers, collect() { this.reset(); for (const [step, s] of steps()) this.inc({ step }, read(s)) } })
    } else {
      new Gauge({ name, help, labelNames: ['step'], registers, collect() { this.reset(); for (const [step, s] of steps()) this.set({ step }, read(s)) } })
    }
  }
  const perSource = (name: string, help: string, read: (p: SourceProgress) => number | undefined): void => {
    new Gauge({ name, help, labelNames: ['step'], registers, collect() {
      this.reset()
      for (const [step, s] of steps()) {
        const v = s.progress && read(s.progress)
        if (v !== undefined) this.set({ step }, v)
      }
    } })
  }
  // A job-wide figure; one named *_total is a running total, exported as a counter (reset, then added).
  const job = (name: string, help: string, read: (m: JobMetrics) => number | undefined): void => {
    if (name.endsWith('_total')) {
      new Counter({ name, help, registers, collect() {
        this.reset()
        const v = m && read(m)
        if (v !== undefined && Number.isFinite(v)) this.inc(v)
      } })
      return
    }
    new Gauge({ name, help, registers, collect() {
      this.reset()
      const v = m && read(m)
      if (v !== undefined && Number.isFinite(v)) this.set(v)
    } })
  }
  // The first metric's collect takes the sample; prom-client collects in registration order.
  new Gauge({ name: 'oxiflow_job_running', help: '1 while the job runs, 0 once it ended', registers, collect() {
    m = sample()
    this.set(m?.status === 'running' ? 1 : 0)
  } })
  job('oxiflow_job_elapsed_seconds', 'Time since the job started', (m) => m.elapsedMs / 1000)
  perStep('oxiflow_step_records_in_total', 'Records into the step', (s) => s.recordsIn, true)
  perStep('oxiflow_step_records_out_total', 'Records out of the step', (s) => s.recordsOut, true)
  perStep('oxiflow_step_records_failed_total', "Records the step skipped (onError: 'skip') or dead-lettered", (s) => s.failed, true)
  perStep('oxiflow_step_rate_records_per_second', 'Records into the step per second over the last second (sampled every 250 ms; scrapes change nothing)', (s) => s.ratePerSec, false)
  perStep('oxiflow_step_backpressure_seconds_total', "Time the step's actors waited for downstream credit", (s) => s.backpressureMs / 1000, true)
  perStep('oxiflow_step_queue_depth', "Messages delivered to the step's actors and not yet handled", (s) => s.queueDepth, false)
  perSource('oxiflow_source_read_bytes', 'Bytes a file source read so far (this run or attempt)', (p) => p.bytesRead)
  perSource('oxiflow_source_size_bytes', 'Bytes a file source reads in all (the file from where this run started)', (p) => p.bytesTotal)
  perSource('oxiflow_source_progress_ratio', 'Share of its bytes a file source read, 0 to 1', (p) => p.fraction)
  perSource('oxiflow_source_eta_seconds', 'Estimated time until a file source read all its bytes, from its byte rate over the last second', (p) => p.etaMs === undefined ? undefined : p.etaMs / 1000)
  job('oxiflow_checkpoints_completed_total', 'Checkpoints committed', (m) => m.checkpoints?.completed)
  job('oxiflow_checkpoints_failed_total', 'Checkpoints that failed', (m) => m.checkpoints?.failed)
  job('oxiflow_checkpoints_abandoned_total', 'Checkpoints abandoned after their timeout', (m) => m.checkpoints?.abandoned)
  job('oxiflow_checkpoint_last_duration_seconds', 'Trigger-to-commit time of the last checkpoint', (m) => m.checkpoints?.last && m.checkpoints.last.durationMs / 1000)
  job('oxiflow_checkpoint_last_alignment_seconds', 'Barrier injection to the last snapshot of the last checkpoint (alignment)', (m) => m.checkpoints?.last && m.checkpoints.last.alignmentMs / 1000)
  job('oxiflow_checkpoint_last_pause_seconds', 'Longest a step stopped at the barrier of the last checkpoint to snapshot its state', (m) => m.checkpoints?.last && m.checkpoints.last.pauseMs / 1000)
  job('oxiflow_checkpoint_last_size_bytes', 'Bytes written by the last checkpoint (compressed)', (m) => m.checkpoints?.last?.bytes)
  job('oxiflow_lease_held', "1 while this runner holds the pipeline's lease", (m) => m.lease && (m.lease.state === 'held' ? 1 : 0))
  job('oxiflow_lease_token', "Token of the pipeline's lease this runner was granted", (m) => m.lease?.token)
  job('oxiflow_run_record_writes_total', 'Run record writes', (m) => m.runRecord?.writes)
  job('oxiflow_run_record_failed_writes_total', 'Run record writes that failed', (m) => m.runRecord?.failedWrites)
  job('oxiflow_job_stalled', '1 while work is queued and no step progressed for stallTimeout (metrics().stall says what waits), else 0', (m) => (m.stall?.active ? 1 : 0))
  job('oxiflow_job_stalls_total', 'Stalls seen since the job started', (m) => m.stall?.count ?? 0)
  return registry
}
