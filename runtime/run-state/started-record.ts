import { hostname } from 'node:os'
import { withRunError, type RunRecord } from '../../persistence/run-state/run-record.ts'
import { pidAlive } from '../../persistence/stores/pid-alive.ts'
import type { LeaseOwner } from '../../persistence/stores/state-store.ts'
import { leaseName } from '../checkpoint/runner-lease.ts'

/** Who starts a run: its ids, runner and lease. */
export interface RunStart {
  readonly pipelineId: string
  readonly runId: string
  readonly startedAt: number
  readonly owner: LeaseOwner
  readonly lease: { readonly name: string; readonly token: number } | null
}

/**
 * The run record of a run that has just taken the pipeline's lease, built on the previous one
 * (its errors and last checkpoint carry over). A previous run still on record as running or
 * pending lost its runner without an end (SIGKILL, power loss): its lease was stale and this run
 * took it over — recorded in `takeover` and as an ERR_LEASE_TAKEOVER error.
 *
 * @example
 * const r = startedRecord(await readRunRecord(store, 'clicks'), { pipelineId: 'clicks', runId, startedAt, owner, lease }, Date.now())
 */
export function startedRecord(current: RunRecord | undefined, run: RunStart, now: number): RunRecord {
  const base: RunRecord = {
    format: 1, pipelineId: run.pipelineId, runId: run.runId, status: 'running', startedAt: run.startedAt, endedAt: null,
    recordsProcessed: 0, recordsFailed: 0, lastProcessedId: null, bytesProcessed: 0, batchNumber: 0, steps: {}, errors: current?.errors ?? [], errorsDropped: current?.errorsDropped ?? 0,
    retryCount: 0, runner: run.owner, lease: run.lease, takeover: null, lastHeartbeat: now, lastCheckpoint: current?.lastCheckpoint ?? null,
  }
  const previous = current?.runner
  if (!current || !(current.status === 'running' || current.status === 'pending') || !previous || current.runId === run.runId) return base
  // A previous runner alive on this host released its lease and is writing its end right now
  // (it releases the lease before its last write): a handover, not a takeover.
  if (previous.host === hostname() && previous.pid !== process.pid && pidAlive(previous.pid)) return base
  const heartbeat = current.lastHeartbeat ?? null
  return withRunError({ ...base, takeover: { from: previous, at: now, lastHeartbeat: heartbeat } }, {
    step: null, code: 'ERR_LEASE_TAKEOVER', offset: null, time: now, retryable: true,
    message: `runner ${previous.runner} (host ${previous.host}, pid ${previous.pid}) left pipeline '${run.pipelineId}' running without an end ` +
      `(last heartbeat ${heartbeat === null ? 'never' : new Date(heartbeat).toISOString()}); runner ${run.owner.runner} took over its stale lease ` +
      `(${leaseName(run.pipelineId)}) and continues from the last checkpoint`,
  })
}
