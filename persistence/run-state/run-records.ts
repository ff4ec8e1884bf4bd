import { CorruptRunRecordError } from './corrupt-run-record-error.ts'
import type { StateStore } from '../stores/state-store.ts'
import { isRunRecord, runRecordKey, type RunRecord } from './run-record.ts'
import { updateRecord, type RecordChange } from './update-record.ts'
import { isCorruptRecordError } from '../stores/corrupt-record-error.ts'

/**
 * The record listing every pipeline that has a run record (stores cannot list records, so
 * `state list` reads this index). Updated by compare-and-set like the run records.
 */
export const RUN_INDEX_KEY = 'run-state/pipelines'

/**
 * A pipeline's run record, or undefined when it has none (or it was removed).
 * CorruptRunRecordError when the record is not a run record.
 *
 * @example
 * const run = await readRunRecord(store, 'clicks'); if (run?.status === 'failed') console.log(run.errors.at(-1))
 */
export async function readRunRecord(store: StateStore, pipelineId: string): Promise<RunRecord | undefined> {
  const found = await store.getRecord<unknown>(runRecordKey(pipelineId)).catch((e: unknown) => {
    if (isCorruptRecordError(e)) throw new CorruptRunRecordError(pipelineId, store.describe())
    throw e
  })
  if (found === undefined || found.value === null) return undefined
  if (!isRunRecord(found.value)) throw new CorruptRunRecordError(pipelineId, store.describe())
  return found.value
}

/**
 * Updates a pipeline's run record by compare-and-set with re-read and retry (see updateRecord):
 * `change` gets the current record (undefined when absent or unreadable — the runner holding
 * the lease rewrites it) and returns the next, `null` to remove it, or `undefined` to leave it.
 * A new record's pipeline joins the index `state list` reads; a removed one leaves it.
 *
 * @example
 * await updateRunRecord(store, 'clicks', (r) => r && { ...r, lastHeartbeat: Date.now() })
 */
export async function updateRunRecord(store: StateStore, pipelineId: string,
  change: (current: RunRecord | undefined) => RecordChange<RunRecord>): Promise<RunRecord | undefined> {
  let created = false
  let removed = false
  const written = await updateRecord<unknown>(store, runRecordKey(pipelineId), (value) => {
    const current = isRunRecord(value) ? value : undefined
    const next = change(current)
    created = next != null && current === undefined
    removed = next === null
    return next
  })
  if (created) await updateRecord<string[]>(store, RUN_INDEX_KEY, (ids = []) => ids.includes(pipelineId) ? undefined : [...ids, pipelineId].sort())
  if (removed) await updateRecord<string[]>(store, RUN_INDEX_KEY, (ids = []) => ids.includes(pipelineId) ? ids.filter((i) => i !== pipelineId) : undefined)
  return isRunRecord(written) ? written : undefined
}

/**
 * Ids of the pipelines with a run record in the store, sorted.
 *
 * @example
 * for (const id of await runRecordIds(store)) console.log(id)
 */
export async function runRecordIds(store: StateStore): Promise<string[]> {
  const found = await store.getRecord<string[] | null>(RUN_INDEX_KEY)
  return Array.isArray(found?.value) ? found.value.filter((v) => typeof v === 'string') : []
}
