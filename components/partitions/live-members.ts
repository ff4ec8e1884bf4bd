import { hostname } from 'node:os'
import { pidAlive } from '../../persistence/stores/pid-alive.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { memberPrefix } from './partition-keys.ts'

/**
 * How many runners take part in `group` now: membership leases not expired whose holder, when
 * it is on this host, is alive (a SIGKILLed runner stops counting at once, as its leases are
 * taken over at once). At least 1: the caller counts itself.
 *
 * @example
 * const share = Math.ceil(open / await liveMembers(store, 'orders'))
 */
export async function liveMembers(store: StateStore, group: string): Promise<number> {
  const prefix = memberPrefix(group)
  const now = Date.now()
  const here = hostname()
  const live = (await store.leases()).filter((l) => l.name.startsWith(prefix) && l.expiresAt >= now && (l.owner.host !== here || pidAlive(l.owner.pid)))
  return Math.max(1, live.length)
}
