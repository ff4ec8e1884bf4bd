import { checkpointsPrefix } from '../checkpoints/checkpoint-layout.ts'
import { removeOrphanCheckpoints, type OrphanCheckpoint } from '../checkpoints/orphan-checkpoints.ts'
import { leaseHolderGone } from '../stores/lease-holder.ts'
import { isCorruptRunRecordError } from './corrupt-run-record-error.ts'
import type { LeaseOwner, StateStore } from '../stores/state-store.ts'
import { isStaleLease, pipelineOfLease, toolOwner } from './lease-health.ts'
import { withRunError } from './run-record.ts'
import { readRunRecord, runRecordIds, updateRunRecord } from './run-records.ts'
import { removeSpentStopRequests } from './stop-request.ts'

/** What `oxiflow state cleanup` removed. */
export interface CleanupReport {
  /** Stale leases released: a gone runner's (SIGKILL, its pid reused) or one whose TTL passed. */
  readonly leases: readonly { readonly name: string; readonly runner: string; readonly token: number; readonly reason: string }[]
  /** Run records removed: pipelines whose checkpoints were all deleted, and unreadable records, with no runner. */
  readonly runRecords: readonly { readonly pipelineId: string; readonly reason: string }[]
  /** Runners whose `oxiflow runner stop` request was spent: none of the leases it named is held any more. */
  readonly stopRequests: readonly string[]
  /** Checkpoint folders without a manifest that no runner can still be writing (see removeOrphanCheckpoints). */
  readonly orphanCheckpoints: readonly OrphanCheckpoint[]
}

/**
 * Removes what dead runners and deleted pipelines leave in a store: stale leases (each is taken
 * over and released, so a live runner that renewed in between keeps its lease), and — unless
 * `staleOnly` — run records of deleted pipelines: the record names a checkpoint but the store
 * holds none of the pipeline's any more, and no runner holds its lease. A record that still
 * says running under a released stale lease is marked failed, naming the dead runner. Also
 * without `staleOnly`: stop requests (`oxiflow runner stop`) whose leases are all gone. Always:
 * checkpoint folders that never got a manifest and that no runner can still be writing.
 *
 * @example
 * const report = await cleanupState(store, { staleOnly: false }); for (const l of report.leases) console.log('released', l.name)
 */
export async function cleanupState(store: StateStore, options: { readonly staleOnly: boolean }): Promise<CleanupReport> {
  const now = Date.now()
  const leases: { name: string; runner: string; token: number; reason: string }[] = []
  const all = await store.leases()
  for (const l of all) {
    if (!isStaleLease(l, now)) continue
    const mine = await store.lease(l.name, toolOwner('cleanup'), 5_000)
    if (!mine) continue // a runner took it (or renewed) in between: not stale any more
    await mine.release()
    // A gone process is the more useful reason: it says the runner is gone, not just late.
    const reason = leaseHolderGone(l.owner) ?? `expired ${new Date(l.expiresAt).toISOString()}`
    leases.push({ name: l.name, runner: l.owner.runner, token: l.token, reason })
    const pipelineId = pipelineOfLease(l.name)
    if (pipelineId !== undefined) await markDead(store, pipelineId, l.owner, reason, now)
  }
  // After the stale leases went: a dead runner's last, half-written checkpoint is an orphan now.
  const orphanCheckpoints = await removeOrphanCheckpoints(store)
  const runRecords: { pipelineId: string; reason: string }[] = []
  if (!options.staleOnly) {
    const held = new Set((await store.leases()).map((l) => pipelineOfLease(l.name)))
    for (const id of await runRecordIds(store)) {
      if (held.has(id)) continue
      let reason: string | undefined
      try {
        const r = await readRunRecord(store, id)
        if (r?.lastCheckpoint && (await store.list(checkpointsPrefix(id))).length === 0) {
          reason = `its checkpoints were deleted (the record names checkpoint ${r.lastCheckpoint.id})`
        }
      } catch (e) {
        if (!isCorruptRunRecordError(e)) throw e // a store outage must not pass for an unreadable record
        reason = 'unreadable: not a run record of format 1'
      }
      if (reason === undefined) continue
      await updateRunRecord(store, id, () => null)
      runRecords.push({ pipelineId: id, reason })
    }
  }
  const stopRequests = options.staleOnly ? [] : await removeSpentStopRequests(store)
  return { leases, runRecords, stopRequests, orphanCheckpoints }
}

/** A run still on record as running under the stale lease of `owner` ended without saying so: it failed. */
async function markDead(store: StateStore, pipelineId: string, owner: LeaseOwner, reason: string, now: number): Promise<void> {
  await updateRunRecord(store, pipelineId, (r) => {
    if (!r || r.status !== 'running' || r.runner?.pid !== owner.pid || r.runner.host !== owner.host) return undefined
    return withRunError({ ...r, status: 'failed', endedAt: now }, {
      step: null, code: 'ERR_RUNNER_DIED', offset: null, time: now, retryable: true,
      message: `runner ${owner.runner} (host ${owner.host}, pid ${owner.pid}) ended without stopping: its lease was stale (${reason}) and ` +
        `oxiflow state cleanup released it; run the pipeline with --restore latest to continue from its last checkpoint`,
    })
  })
}
