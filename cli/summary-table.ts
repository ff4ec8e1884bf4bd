import type { JobSummary } from './job-shape.ts'
import { columns, count, duration } from './format.ts'

/**
 * The end-of-run table: one row per step with records in/out, failed, busy time and throughput
 * (records in per second, or out for a source, over the job's duration), then a line per restart.
 * When a window step had late records (after their event-time window closed: to its `lateTo`
 * sink, else dropped) a `late` column says how many, so they are not read as lost.
 *
 * @example
 * process.stderr.write(summaryTable(await job.done))
 */
export function summaryTable(s: JobSummary): string {
  const seconds = Math.max(s.durationMs, 1) / 1000
  const late = Object.values(s.steps).some((step) => (step.late ?? 0) > 0)
  const rows = [['step', 'kind', 'in', 'out', 'failed', ...(late ? ['late'] : []), 'busy', 'rec/s']]
  for (const [name, step] of Object.entries(s.steps)) {
    const through = step.recordsIn > 0 ? step.recordsIn : step.recordsOut
    rows.push([name, step.kind, count(step.recordsIn), count(step.recordsOut), count(step.failed),
      ...(late ? [step.late === undefined ? '' : count(step.late)] : []), duration(step.busyMs), count(through / seconds)])
  }
  const restartLines = s.restarts && s.restarts.attempts > 0
    ? s.restarts.causes.map((c) => `  restart ${c.attempt} (from ${c.restoredFrom === undefined ? 'the start' : `checkpoint ${c.restoredFrom}`}) after: ${c.cause.message}`)
    : []
  return [`pipeline '${s.pipelineId}' ${s.status} in ${duration(s.durationMs)}`, ...columns(rows).map((l) => `  ${l}`), ...restartLines].join('\n') + '\n'
}
