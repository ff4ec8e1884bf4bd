import { hostname } from 'node:os'
import type { LeaseOwner } from './state-store.ts'
import { pidAlive } from './pid-alive.ts'

/** A lease as stored: the newest token is kept after release, so tokens are never reused. */
export interface LeaseRecord {
  token: number
  owner: LeaseOwner | undefined
  acquiredAt: number
  expiresAt: number
}

/**
 * Whether `owner` may take a lease now held as `current`: free, expired, the same owner, or
 * held by a process of this host that is dead (a SIGKILLed runner restarted by hand must not
 * wait for the TTL).
 */
export function mayTake(current: LeaseRecord | undefined, owner: LeaseOwner, now: number): boolean {
  const held = current?.owner
  if (!held || current.expiresAt <= now) return true
  if (held.runner === owner.runner && held.host === owner.host && held.pid === owner.pid) return true
  return held.host === hostname() && !pidAlive(held.pid)
}

/** Two owners are the same runner process. */
export function sameOwner(a: LeaseOwner | undefined, b: LeaseOwner): boolean {
  return a !== undefined && a.runner === b.runner && a.host === b.host && a.pid === b.pid
}
