import type { CommandOptions } from './command-options.ts'
import { errorText } from './error-text.ts'
import { RUN_HELP } from './help.ts'
import { serveJobPage } from './job-page.ts'
import type { CliRunOptions, Job, JobSummary, RunnablePipeline } from './job-shape.ts'
import { errorReport, summaryReport, toJson } from './json-report.ts'
import { loadPipeline } from './load-pipeline.ts'
import { startProgress } from './progress-line.ts'
import { parseRunArgs, type RunArgs } from './run-args.ts'
import { stopOnSignal } from './stop-on-signal.ts'
import { summaryTable } from './summary-table.ts'
import { exitCodeOf } from './exit-code.ts'
import { isUsageError } from './usage-error.ts'

/**
 * `oxiflow run <module> [options]`: loads the pipeline, runs it with a live progress display on a
 * TTY and stop-on-Ctrl-C, and reports the end — a table on stderr, or with `--json` exactly one
 * JSON object on stdout (the summary, or `{ status: 'failed', error }`). Returns the exit code:
 * 0 completed or stopped, 1 failed, 2 usage error (also: a checkpoint holding state of steps the
 * pipeline lacks, without --allow-non-restored-state), 3 the pipeline's lease is held by another runner.
 *
 * @example
 * process.exitCode = await runCommand(['examples/clickstream.ts', '--json'])
 */
export async function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<number> {
  // Known before parsing, so even a bad command line gives --json its one JSON object.
  let json = argv.includes('--json')
  let pipeline: RunnablePipeline | undefined
  let during: string | undefined
  // Ctrl-C from the start: while the module loads and the job starts, a first one is kept and
  // stops the job as soon as it exists (before, Node's default ended the process, 130, silently).
  const signals = new JobSignals()
  try {
    const args = parseRunArgs(argv)
    if (args.help) {
      process.stdout.write(RUN_HELP)
      return 0
    }
    json = args.json
    during = `loading ${args.module}`
    const loaded = await loadPipeline(args.module, args.params, process.cwd(), { ownsThread: options.ownsThread === true })
    pipeline = loaded.pipeline
    during = undefined
    const summary = await runJob(pipeline, { workers: args.workers, module: loaded.module, params: args.params,
      ...(args.batchSize !== undefined && { batchSize: args.batchSize }),
      ...(args.store !== undefined && { store: args.store }),
      ...(args.checkpointInterval !== undefined && { checkpointInterval: args.checkpointInterval }),
      ...(args.restore !== undefined && { restore: args.restore }),
      ...(args.allowNonRestoredState && { allowNonRestoredState: true }),
      ...(args.codec !== undefined && { codec: args.codec }),
      ...(args.incremental !== undefined && { incremental: args.incremental }),
      ...(args.restart !== undefined && { restart: args.restart }),
      ...(args.stallTimeout !== undefined && { stallTimeout: args.stallTimeout }),
      ...(args.stopTimeout !== undefined && { stopTimeout: args.stopTimeout }) }, args, signals)
    if (json) process.stdout.write(toJson(summaryReport(summary)) + '\n')
    else process.stderr.write(summaryTable(summary))
    return 0
  } catch (e) {
    // A usage error already names the module; an error the module threw gets where it came from.
    process.stderr.write(errorText(e, process.env.OXIFLOW_DEBUG === '1', isUsageError(e) ? undefined : during))
    if (json) {
      const id = pipeline?.id
      process.stdout.write(toJson({ ...(typeof id === 'string' ? { pipelineId: id } : {}), status: 'failed', error: errorReport(e) }) + '\n')
    }
    return exitCodeOf(e)
  } finally {
    signals.dispose()
  }
}

async function runJob(pipeline: RunnablePipeline, options: CliRunOptions, args: RunArgs, signals: JobSignals): Promise<JobSummary> {
  // The endpoint listens before the job starts, so a port in use fails the command before any record flows.
  let running: Job | undefined
  const page = await serveJobPage(pipeline, args, () => running)
  try {
    running = pipeline.run(options)
    return await watchJob(running, signals)
  } finally {
    await page?.close()
  }
}

async function watchJob(job: Job, signals: JobSignals): Promise<JobSummary> {
  const progress = startProgress(() => job.metrics(), process.stderr, process.stdout)
  signals.watch(job, (line) => progress.note(line))
  // Say where the run started from as soon as the restore is done, not only at the end.
  let told = false
  let stallsTold = 0
  const tell = (): void => {
    const m = job.metrics()
    const r = m.restore
    if (r && !told) { told = true; progress.note(`oxiflow: ${r.message}`) }
    // Each stall once, as it starts (stallTimeout; with onStall 'fail' the job's error says it instead).
    if (m.stall?.active && m.stall.count > stallsTold) { stallsTold = m.stall.count; progress.note(`oxiflow: warning: ${m.stall.message}`) }
  }
  const watch = setInterval(tell, 100)
  try {
    const summary = await job.done
    if (summary.restore && !told) process.stderr.write(`oxiflow: ${summary.restore.message}\n`)
    const record = job.metrics().runRecord
    if (record?.failedWrites) process.stderr.write(`oxiflow: warning: ${record.failedWrites} run record write(s) failed; last: ${record.lastWriteError}\n`)
    return summary
  } finally {
    clearInterval(watch)
    signals.watch(undefined, undefined)
    progress.stop()
  }
}

/**
 * The command's SIGINT/SIGTERM handlers (stopOnSignal), installed before the module loads: a
 * signal that comes before the job exists is kept, said on stderr, and stops the job once
 * `watch` hands it over; a second one exits at once (130), as while the job runs.
 */
class JobSignals {
  private job: Job | undefined
  private started = false
  private asked = false
  private log: (line: string) => void = (line) => { process.stderr.write(`${line}\n`) }
  private readonly handlers = stopOnSignal(() => {
    this.asked = true
    return this.job?.stop() ?? Promise.resolve()
  }, (line) => this.log(line.startsWith('SIG') && !this.started ? `${line}; the job stops as soon as it has started` : line))

  /** The job now running (undefined: none any more) and where notes go; stops it at once if a signal came first. */
  watch(job: Job | undefined, log: ((line: string) => void) | undefined): void {
    this.job = job
    this.started ||= job !== undefined
    this.log = log ?? ((line) => { process.stderr.write(`${line}\n`) })
    if (job !== undefined && this.asked) job.stop().catch(() => undefined)
  }

  dispose(): void {
    this.handlers.dispose()
  }
}
