import { RecordConflictError } from './record-conflict-error.ts'
import type { StateStore } from '../stores/state-store.ts'
import { isCorruptRecordError } from '../stores/corrupt-record-error.ts'

/** How often a lost compare-and-set race is retried before giving up. */
export const CAS_ATTEMPTS = 50

/**
 * The outcome of an update function: a new value to write, `null` to remove the record (stores
 * have no record delete, so a removed record is one whose value is null), or `undefined` to
 * leave it as it is.
 */
export type RecordChange<T> = T | null | undefined

/**
 * Read-modify-write of a versioned record by compare-and-set: reads `key`, asks `change` for
 * the next value and writes it only if the record is still at the version read. A lost race
 * re-reads and asks again (so `change` must be a pure function of what it is given); it never
 * overwrites a write it did not see. After CAS_ATTEMPTS lost races: RecordConflictError.
 * Resolves with the value now stored (`undefined` for a removed or absent record).
 *
 * @example
 * await updateRecord<string[]>(store, 'run-state/pipelines', (ids = []) => ids.includes('p') ? undefined : [...ids, 'p'].sort())
 */
export function updateRecord<T>(store: StateStore, key: string, change: (current: T | undefined) => RecordChange<T>): Promise<T | undefined> {
  // Writers in one process take turns per record: compare-and-set then only arbitrates between
  // processes. Racing each other too, 8 writers in one process on a loaded machine can lose
  // CAS_ATTEMPTS races in a row (RecordConflictError; the likely cause of a CI failure), though
  // none of them could ever have overwritten another.
  let queues = turns.get(store)
  if (!queues) turns.set(store, queues = new Map())
  const next = (queues.get(key) ?? Promise.resolve()).then(() => casLoop(store, key, change))
  const settled = next.then(() => undefined, () => undefined)
  queues.set(key, settled)
  void settled.then(() => { if (queues.get(key) === settled) queues.delete(key) })
  return next
}

/** Per store, per record key: the end of the last update queued in this process. */
const turns = new WeakMap<StateStore, Map<string, Promise<void>>>()

async function casLoop<T>(store: StateStore, key: string, change: (current: T | undefined) => RecordChange<T>): Promise<T | undefined> {
  for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
    // An unreadable record counts as none to `change`, and is replaced at the version it is at.
    const found = await store.getRecord<T | null>(key).catch((e: unknown) => {
      if (isCorruptRecordError(e)) return { version: e.version, value: null }
      throw e
    })
    const current = found?.value ?? undefined
    const next = change(current)
    if (next === undefined) return current
    if (next === null && found === undefined) return undefined // nothing to remove
    if (await store.compareAndSet(key, found?.version ?? 0, next)) return next ?? undefined
    // Another writer got in between: its value is the one to build on, so read again — after a
    // random pause that grows with the losses, or writers that keep colliding would livelock.
    if (attempt < CAS_ATTEMPTS) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)))
  }
  throw new RecordConflictError(key, store.describe(), CAS_ATTEMPTS)
}
