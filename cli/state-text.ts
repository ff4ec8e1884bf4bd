import type { CleanupReport } from '../persistence/run-state/cleanup-state.ts'
import { columns, count, duration } from './format.ts'
import type { LeaseView, StateListRow, StateView } from './state-views.ts'

/**
 * How long ago `t` was; '-' when never.
 *
 * @example
 * ago(Date.now() - 3200) // '3.20 s ago'
 */
export function ago(t: number | null | undefined, now = Date.now()): string {
  return t === null || t === undefined ? '-' : `${duration(Math.max(0, now - t))} ago`
}

function when(t: number | null | undefined): string {
  return t === null || t === undefined ? '-' : new Date(t).toISOString()
}

function leaseLine(l: LeaseView): string {
  const left = l.expiresAt - Date.now()
  return `${l.runner} (host ${l.host}, pid ${l.pid}), token ${l.token}, ${l.stale ? 'STALE' : 'held'}, ` +
    `${left >= 0 ? `expires in ${duration(left)}` : `expired ${duration(-left)} ago`}`
}

/**
 * `oxiflow state show` as text: status and counts, the per-step table, errors (newest last),
 * last checkpoint and lease.
 *
 * @example
 * process.stdout.write(stateShowText(view))
 */
export function stateShowText(v: StateView): string {
  const r = v.run
  const out = [`pipeline '${v.pipelineId}'`]
  if (!r) out.push('  no run record (it never ran with this store, or the record was removed)')
  else {
    out.push(`  status            ${r.status}${r.endedAt ? ` (ended ${when(r.endedAt)})` : ''}`,
      `  run               ${r.runId}, started ${when(r.startedAt)}`,
      `  records           ${count(r.recordsProcessed)} processed, ${count(r.recordsFailed)} failed`,
      `  last processed id ${r.lastProcessedId ?? '-'}`,
      `  read              ${count(r.batchNumber ?? 0)} batches${r.bytesProcessed ? `, ${count(r.bytesProcessed)} bytes` : ''}`,
      `  runner            ${r.runner ? `${r.runner.runner} (host ${r.runner.host}, pid ${r.runner.pid})` : '-'}`,
      `  last heartbeat    ${ago(r.lastHeartbeat)}`,
      `  restarts          ${r.retryCount}`)
    if (r.takeover) out.push(`  took over from    ${r.takeover.from.runner} at ${when(r.takeover.at)}`)
    if (r.plan) {
      const states = new Set(r.plan.steps.flatMap((s) => s.state.map((x) => x.stateId))).size
      out.push(`  plan              ${r.plan.actors.length} actors, ${r.plan.workers === 0 ? 'inline' : `${r.plan.workers} workers`}, ` +
        `${states} states in ${r.plan.restoreLevels.length} restore levels (state show --json has it all)`)
    }
    const rows = [['step', 'kind', 'status', 'in', 'out', 'failed', 'processing', 'worker']]
    for (const [name, s] of Object.entries(r.steps)) {
      rows.push([name, s.kind, s.status, count(s.recordsIn), count(s.recordsOut), count(s.failed), duration(s.processingMs), s.worker])
    }
    if (rows.length > 1) out.push('', ...columns(rows).map((l) => `  ${l}`))
    out.push('', `  errors (${r.errors.length}${r.errorsDropped ? `, ${r.errorsDropped} older dropped` : ''}, newest last)`)
    for (const e of r.errors) {
      out.push(`    ${when(e.time)} ${e.code}${e.step ? ` step '${e.step}'` : ''}${e.offset ? ` at ${e.offset}` : ''}${e.retryable ? ' (retryable)' : ''}: ${e.message}`)
    }
  }
  const c = v.checkpoints.latest
  out.push('', `  checkpoints       ${v.checkpoints.count} in store` +
    (c ? c.ok ? `; latest ${c.id} at ${when(c.time)}, ${count(c.storedBytes)} bytes` : `; latest ${c.id} CORRUPT: ${c.problem}` : ''))
  if (r?.lastCheckpoint) out.push(`  last committed    ${r.lastCheckpoint.id} at ${when(r.lastCheckpoint.time)}, ${count(r.lastCheckpoint.bytes)} bytes, ${duration(r.lastCheckpoint.durationMs)}`)
  out.push(`  lease             ${v.lease ? leaseLine(v.lease) : 'free'}`)
  return out.join('\n') + '\n'
}

/**
 * `oxiflow state list` as a table.
 *
 * @example
 * process.stdout.write(stateListText(rows))
 */
export function stateListText(rows: readonly StateListRow[]): string {
  if (rows.length === 0) return 'no pipelines\n'
  const table = [['pipeline', 'status', 'active', 'records', 'checkpoint', 'heartbeat', 'runner']]
  for (const r of rows) {
    table.push([r.pipelineId, r.status ?? '-', r.active ? 'yes' : 'no', r.recordsProcessed === null ? '-' : count(r.recordsProcessed),
      r.lastCheckpoint === null ? '-' : String(r.lastCheckpoint), ago(r.lastHeartbeat), r.runner ?? '-'])
  }
  return columns(table).join('\n') + '\n'
}

/**
 * `oxiflow state cleanup` as text: one line per thing removed, or that nothing was.
 *
 * @example
 * process.stdout.write(cleanupText(report, 2))
 */
export function cleanupText(report: CleanupReport & { readonly tempFiles: number; readonly lockFiles: readonly string[] }): string {
  const lines = [
    ...report.leases.map((l) => `removed stale lease ${l.name} of runner ${l.runner} (token ${l.token}): ${l.reason}`),
    ...report.runRecords.map((r) => `removed run record of pipeline '${r.pipelineId}': ${r.reason}`),
    ...report.stopRequests.map((r) => `removed the spent stop request of runner ${r} (none of the leases it named is held)`),
    ...(report.tempFiles > 0 ? [`removed ${report.tempFiles} abandoned temp file${report.tempFiles === 1 ? '' : 's'}`] : []),
    ...report.lockFiles.map((f) => `removed stale lock file ${f} (its holder is gone)`),
    ...report.orphanCheckpoints.map((o) => `removed unfinished checkpoint ${o.checkpointId} of pipeline '${o.pipelineId}' (${o.keys} key${o.keys === 1 ? '' : 's'}): ${o.reason}`),
  ]
  return (lines.length ? lines : ['nothing to clean up']).join('\n') + '\n'
}

/**
 * `oxiflow runner list` as a table.
 *
 * @example
 * process.stdout.write(runnerListText(rows))
 */
export function runnerListText(rows: readonly (LeaseView & { readonly lastHeartbeat: number | null })[]): string {
  if (rows.length === 0) return 'no runners hold a lease\n'
  const table = [['runner', 'pipeline', 'host', 'pid', 'token', 'heartbeat', 'lease']]
  for (const r of rows) {
    const left = r.expiresAt - Date.now()
    table.push([r.runner, r.pipelineId ?? r.name, r.host, String(r.pid), String(r.token), ago(r.lastHeartbeat),
      r.stale ? 'STALE' : `held, expires in ${duration(Math.max(0, left))}`])
  }
  return columns(table).join('\n') + '\n'
}
