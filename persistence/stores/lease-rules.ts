import { hostname } from 'node:os'
import { InvalidLeaseRequestError } from '../errors/invalid-lease-request-error.ts'
import type { LeaseRecord } from './lease-record.ts'
import { pidAlive } from './pid-alive.ts'
import { checkStoreKey } from './check-store-key.ts'
import type { FenceToken, LeaseOwner } from './state-store.ts'

/**
 * Whether `owner` may take a lease now held as `current`: never granted, released, expired
 * (expiresAt < now), asked again by the same owner, or held by a process of this host that is
 * dead — a SIGKILLed runner restarted by hand must not wait for the TTL. A holder on another
 * host cannot be probed, so only its TTL frees the lease.
 *
 * @example
 * if (mayTakeLease(current, owner, Date.now())) grant()
 */
export function mayTakeLease(current: LeaseRecord | undefined, owner: LeaseOwner, now: number): boolean {
  const held = current?.owner
  if (!held || current.expiresAt < now) return true
  if (sameOwner(held, owner)) return true
  return held.host === hostname() && !pidAlive(held.pid)
}

/**
 * Two owners are the same runner process: runner, host and pid equal.
 *
 * @example
 * sameOwner(a, a) // true
 */
export function sameOwner(a: LeaseOwner | null | undefined, b: LeaseOwner): boolean {
  return !!a && a.runner === b.runner && a.host === b.host && a.pid === b.pid
}

/**
 * Checks a lease request up front, naming what is wrong (InvalidLeaseRequestError).
 *
 * @example
 * checkLeaseRequest('pipelines/p/lease', owner, 15_000)
 */
export function checkLeaseRequest(name: string, owner: LeaseOwner, ttlMs: number): void {
  if (!(typeof ttlMs === 'number' && Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new InvalidLeaseRequestError(name, `ttlMs must be a positive number of milliseconds (got ${String(ttlMs)})`)
  }
  if (typeof owner !== 'object' || owner === null) throw new InvalidLeaseRequestError(name, `owner must be { runner, host, pid } (got ${String(owner)})`)
  for (const field of ['runner', 'host'] as const) {
    if (!(typeof owner[field] === 'string' && owner[field] !== '')) {
      throw new InvalidLeaseRequestError(name, `owner.${field} must be a non-empty string (got ${JSON.stringify(owner[field])})`)
    }
  }
  if (!(Number.isInteger(owner.pid) && owner.pid > 0)) throw new InvalidLeaseRequestError(name, `owner.pid must be a positive integer (got ${String(owner.pid)})`)
}

/**
 * Checks a write's fence up front: a lease name and a non-negative integer token. A malformed
 * token must not slip through (NaN compares false with everything, so it would never be stale).
 *
 * @example
 * checkFenceToken({ lease: 'pipelines/p/lease', token: 3 })
 */
export function checkFenceToken(fence: FenceToken): void {
  checkStoreKey(fence?.lease, 'lease name')
  if (!(Number.isSafeInteger(fence.token) && fence.token >= 0)) {
    throw new InvalidLeaseRequestError(fence.lease, `a fence's token must be a non-negative integer (got ${String(fence.token)})`)
  }
}
