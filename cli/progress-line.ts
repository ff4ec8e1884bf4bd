import type { JobMetrics } from './job-shape.ts'
import { columns, count, duration, timeLeft } from './format.ts'

/** A stream the progress is drawn on: stderr, or a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly columns?: number
  write(text: string): boolean
}

/** The live display of a running job; `note` prints a line without tearing it. */
export interface Progress {
  note(line: string): void
  stop(): void
}

/**
 * The lines of one refresh: a header, then per step its rate, records in/out, backpressure and
 * queue depth; a file source also how far it read (percent of its bytes) and the time left,
 * once known (`steps[name].progress`).
 *
 * @example
 * progressLines(job.metrics()) // ["clicks running 2.00 s", "  events  source  51,200 rec/s  in 0  out 102,400  ...  42.0 %  3 s left"]
 */
export function progressLines(m: JobMetrics): string[] {
  const rows = Object.entries(m.steps).map(([name, s]) => ['', name, s.kind, `${count(s.ratePerSec)} rec/s`,
    `in ${count(s.recordsIn)}`, `out ${count(s.recordsOut)}`, `bp ${count(s.backpressureMs)} ms`, `queue ${s.queueDepth}`,
    // Floored (99.96 % is not done yet); the epsilon keeps 0.57 from reading 56.9 (0.57 * 1000 = 569.99…).
    ...(s.progress ? [`${(Math.floor(s.progress.fraction * 1000 + 1e-6) / 10).toFixed(1)} %`] : []),
    ...(s.progress?.etaMs !== undefined && s.progress.fraction < 1 ? [`${timeLeft(s.progress.etaMs)} left`] : []),
    ...(s.failed > 0 ? [`failed ${count(s.failed)}`] : [])])
  return [`${m.pipelineId} ${m.status} ${duration(m.elapsedMs)}`, ...columns(rows)]
}

/**
 * Redraws `progressLines(metrics())` on `stream` every `intervalMs` while the stream is a TTY
 * (nothing at all otherwise). When `stdout` is a TTY too, it shares the screen: its writes first
 * erase the block, which is drawn again right after, so the job's own output is never overwritten.
 *
 * @example
 * const progress = startProgress(() => job.metrics(), process.stderr, process.stdout); await job.done; progress.stop()
 */
export function startProgress(metrics: () => JobMetrics, stream: ProgressStream, stdout?: ProgressStream, intervalMs = 500): Progress {
  if (!stream.isTTY) return { note: (line) => { stream.write(`${line}\n`) }, stop: () => {} }
  let drawn = 0
  let pending: NodeJS.Immediate | undefined
  const clear = () => {
    // Cursor to the start of the block's first line (CSI n F), then erase to the end of the screen.
    if (drawn > 0) stream.write(`\x1b[${drawn}F\x1b[0J`)
    drawn = 0
  }
  let lines: string[] = []
  const draw = () => {
    // A wrapped line would take two rows and break the cursor arithmetic, so cut at the width.
    const width = Math.max(20, (stream.columns || 80) - 1)
    clear()
    stream.write(lines.map((l) => l.slice(0, width)).join('\n') + '\n')
    drawn = lines.length
  }
  const refresh = () => {
    try { lines = progressLines(metrics()) } catch { return } // metrics of a job that just ended: skip this frame
    draw()
  }
  // Redraws the last frame (no new figures between two ticks: only the timer reads metrics()).
  const redrawSoon = () => { pending ??= setImmediate(() => { pending = undefined; if (lines.length > 0) draw() }) }
  const timer = setInterval(refresh, intervalMs)
  timer.unref()

  const original = stdout?.write
  if (stdout?.isTTY && original) {
    (stdout as { write: ProgressStream['write'] }).write = function (this: ProgressStream, ...args: [string]) {
      clear()
      redrawSoon()
      return original.apply(this, args)
    }
  }
  return {
    note(line) { clear(); stream.write(`${line}\n`); redrawSoon() },
    stop() {
      clearInterval(timer)
      if (pending) clearImmediate(pending)
      pending = undefined
      if (stdout?.isTTY && original) (stdout as { write: ProgressStream['write'] }).write = original
      clear()
    },
  }
}
