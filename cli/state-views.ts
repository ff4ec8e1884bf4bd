import { isCorruptRunRecordError } from '../persistence/run-state/corrupt-run-record-error.ts'
import { checkpoints, type CheckpointSummary } from '../persistence/checkpoints-api.ts'
import { isStaleLease, pipelineOfLease } from '../persistence/run-state/lease-health.ts'
import type { RunRecord } from '../persistence/run-state/run-record.ts'
import { readRunRecord, runRecordIds } from '../persistence/run-state/run-records.ts'
import type { LeaseInfo, StateStore } from '../persistence/stores/state-store.ts'

/** A lease as the `state` and `runner` commands show it. */
export interface LeaseView {
  readonly name: string
  readonly pipelineId: string | null
  readonly runner: string
  readonly host: string
  readonly pid: number
  readonly token: number
  readonly acquiredAt: number
  readonly expiresAt: number
  /** True when another runner could take it over now (TTL passed, or a dead process of this host). */
  readonly stale: boolean
}

/** `oxiflow state show --json`: one pipeline's run record, checkpoints and lease. */
export interface StateView {
  readonly pipelineId: string
  readonly run: RunRecord | null
  readonly checkpoints: { readonly count: number; readonly latest: CheckpointSummary | null }
  readonly lease: LeaseView | null
}

/** One row of `oxiflow state list --json`. */
export interface StateListRow {
  readonly pipelineId: string
  readonly status: string | null
  readonly recordsProcessed: number | null
  readonly lastCheckpoint: number | null
  readonly lastHeartbeat: number | null
  readonly runner: string | null
  /** A live (not stale) lease is held: the pipeline runs now. */
  readonly active: boolean
}

/**
 * A lease as shown, stale or not at `now`.
 *
 * @example
 * leaseView(info, Date.now()).stale
 */
export function leaseView(l: LeaseInfo, now: number): LeaseView {
  return { name: l.name, pipelineId: pipelineOfLease(l.name) ?? null, runner: l.owner.runner, host: l.owner.host, pid: l.owner.pid,
    token: l.token, acquiredAt: l.acquiredAt, expiresAt: l.expiresAt, stale: isStaleLease(l, now) }
}

/**
 * Everything `state show` prints about a pipeline; undefined when the store knows nothing of it.
 *
 * @example
 * const view = await stateView(store, 'clicks')
 */
export async function stateView(store: StateStore, pipelineId: string): Promise<StateView | undefined> {
  const run = (await readRunRecord(store, pipelineId)) ?? null
  const list = await checkpoints(store, pipelineId).list()
  const held = (await store.leases()).find((l) => l.name === `pipelines/${pipelineId}/lease`)
  if (!run && list.length === 0 && !held) return undefined
  return { pipelineId, run, checkpoints: { count: list.length, latest: list[0] ?? null }, lease: held ? leaseView(held, Date.now()) : null }
}

/**
 * The pipelines of a store (those with a run record or a runner lease), sorted by id.
 *
 * @example
 * for (const row of await stateList(store)) console.log(row.pipelineId, row.status)
 */
export async function stateList(store: StateStore): Promise<StateListRow[]> {
  const now = Date.now()
  const leases = new Map<string, LeaseView>()
  for (const l of await store.leases()) {
    const v = leaseView(l, now)
    if (v.pipelineId !== null) leases.set(v.pipelineId, v)
  }
  const ids = [...new Set([...await runRecordIds(store), ...leases.keys()])].sort()
  const rows: StateListRow[] = []
  for (const id of ids) {
    let r: RunRecord | undefined
    let unreadable = false
    try {
      r = await readRunRecord(store, id)
    } catch (e) {
      if (!isCorruptRunRecordError(e)) throw e
      unreadable = true // one bad record must not hide the others; state show names the problem
    }
    const lease = leases.get(id)
    rows.push({ pipelineId: id, status: unreadable ? 'unreadable' : r?.status ?? null, recordsProcessed: r?.recordsProcessed ?? null, lastCheckpoint: r?.lastCheckpoint?.id ?? null,
      lastHeartbeat: r?.lastHeartbeat ?? null, runner: lease?.runner ?? r?.runner?.runner ?? null, active: lease !== undefined && !lease.stale })
  }
  return rows
}
