import { leaseHolderGone } from '../../persistence/stores/lease-holder.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { memberPrefix } from './partition-keys.ts'

/**
 * How many runners take part in `group` now: membership leases not expired whose holder, when
 * it is on this host, is still that process (a SIGKILLed runner, or a pid reused since, stops
 * counting at once, as its leases are taken over at once). At least 1: the caller counts itself.
 *
 * @example
 * const share = Math.ceil(open / await liveMembers(store, 'orders'))
 */
export async function liveMembers(store: StateStore, group: string): Promise<number> {
  const prefix = memberPrefix(group)
  const now = Date.now()
  const live = (await store.leases()).filter((l) => l.name.startsWith(prefix) && l.expiresAt >= now && leaseHolderGone(l.owner) === undefined)
  return Math.max(1, live.length)
}
