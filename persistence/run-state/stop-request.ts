import type { StateStore } from '../stores/state-store.ts'
import { updateRecord } from './update-record.ts'

/**
 * `oxiflow runner stop`'s request to a runner, kept in the store at `runners/<runner>/stop`: the
 * leases (name and token) it held when asked. A job stops gracefully when its own lease is
 * among them, so an old request never stops a later run of the same runner id (its token is newer).
 *
 * @example
 * const r: StopRequest = { requestedAt: Date.now(), by: 'ops-host:4242', leases: [{ name: 'pipelines/clicks/lease', token: 7 }] }
 */
export interface StopRequest {
  readonly requestedAt: number
  /** Who asked (host:pid of the CLI), for the runner's log. */
  readonly by: string
  readonly leases: readonly { readonly name: string; readonly token: number }[]
}

/**
 * The key of a runner's stop request. Runner ids may hold characters store keys do not allow
 * (`host:pid`), so those are written `~` and their hex code (`~` itself too).
 *
 * @example
 * stopRequestKey('box:4242') // 'runners/box~3a4242/stop'
 */
export function stopRequestKey(runner: string): string {
  const segment = runner.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}`)
  return `runners/${segment === '.' || segment === '..' ? `~2e${segment.slice(1)}` : segment}/stop`
}

/**
 * Asks `runner` to stop the jobs holding the given leases: merged into its request record by
 * compare-and-set (a second stop of another pipeline of the same runner does not undo the first).
 *
 * @example
 * await requestStop(store, 'runner-7', [{ name: 'pipelines/clicks/lease', token: 3 }], 'ops:99')
 */
export async function requestStop(store: StateStore, runner: string, leases: StopRequest['leases'], by: string): Promise<StopRequest> {
  const written = await updateRecord<StopRequest>(store, stopRequestKey(runner), (current) => {
    const kept = (current?.leases ?? []).filter((l) => !leases.some((n) => n.name === l.name))
    return { requestedAt: Date.now(), by, leases: [...kept, ...leases.map((l) => ({ name: l.name, token: l.token }))] }
  })
  // Stores cannot list records: the index lets `state cleanup` find requests whose runner is gone.
  await updateRecord<string[]>(store, STOP_INDEX_KEY, (ids = []) => ids.includes(runner) ? undefined : [...ids, runner].sort())
  return written!
}

/** The record listing the runners that have a stop request (see requestStop). */
export const STOP_INDEX_KEY = 'run-state/stop-requests'

/**
 * Removes the stop requests none of whose leases is still held at the token it names (the
 * runner stopped, or its lease moved on), returning those runners' ids.
 *
 * @example
 * await removeSpentStopRequests(store) // ['box:4242']
 */
export async function removeSpentStopRequests(store: StateStore): Promise<string[]> {
  const held = await store.leases()
  const removed: string[] = []
  for (const runner of (await store.getRecord<string[] | null>(STOP_INDEX_KEY))?.value ?? []) {
    let spent = false
    await updateRecord<StopRequest>(store, stopRequestKey(runner), (r) => {
      spent = !r || !r.leases.some((l) => held.some((h) => h.name === l.name && h.token === l.token))
      return spent ? null : undefined
    })
    if (!spent) continue
    await updateRecord<string[]>(store, STOP_INDEX_KEY, (ids = []) => ids.includes(runner) ? ids.filter((i) => i !== runner) : undefined)
    removed.push(runner)
  }
  return removed
}

/**
 * True when a stop was requested for the lease `name` granted with `token`.
 *
 * @example
 * if (await stopRequested(store, 'runner-7', 'pipelines/clicks/lease', 3)) await job.stop()
 */
export async function stopRequested(store: StateStore, runner: string, name: string, token: number): Promise<StopRequest | undefined> {
  const found = await store.getRecord<StopRequest | null>(stopRequestKey(runner))
  const request = found?.value
  return request && Array.isArray(request.leases) && request.leases.some((l) => l.name === name && l.token === token) ? request : undefined
}
