import { InvalidLeaseRequestError } from './invalid-lease-request-error.ts'
import { leaseHolderGone } from './lease-holder.ts'
import type { LeaseRecord } from './lease-record.ts'
import { checkStoreKey } from './check-store-key.ts'
import type { FenceToken, LeaseOwner } from './state-store.ts'
import { shown } from '../shown.ts'

/**
 * Whether `owner` may take a lease now held as `current`: never granted, released, expired
 * (expiresAt < now), asked again by the same owner, or held by a process of this host that is
 * gone — dead, or its pid now another process (leaseHolderGone) — a SIGKILLed runner restarted
 * by hand must not wait for the TTL. A holder on another host cannot be probed, so only its TTL
 * frees the lease.
 *
 * @example
 * if (mayTakeLease(current, owner, Date.now())) grant()
 */
export function mayTakeLease(current: LeaseRecord | undefined, owner: LeaseOwner, now: number): boolean {
  const held = current?.owner
  if (!held || current.expiresAt < now) return true
  if (sameOwner(held, owner)) return true
  return leaseHolderGone(held) !== undefined
}

/**
 * Two owners are the same runner process: runner, host and pid equal, and their starts and PID
 * namespaces where both have one (an owner of an earlier version has none).
 *
 * @example
 * sameOwner(a, a) // true
 */
export function sameOwner(a: LeaseOwner | null | undefined, b: LeaseOwner): boolean {
  return !!a && a.runner === b.runner && a.host === b.host && a.pid === b.pid && (a.start === undefined || b.start === undefined || a.start === b.start) &&
    (a.pidns === undefined || b.pidns === undefined || a.pidns === b.pidns)
}

/**
 * The owner as a store records it: exactly runner, host, pid and, when given, start and pidns —
 * nothing else the caller's object may carry.
 *
 * @example
 * const mine = leaseOwnerRecord(owner) // { runner: 'r1', host: 'a1', pid: 42, start: '3f0c…/48213' }
 */
export function leaseOwnerRecord(owner: LeaseOwner): LeaseOwner {
  const { runner, host, pid, start, pidns } = owner
  return { runner, host, pid, ...(start !== undefined && { start }), ...(pidns !== undefined && { pidns }) }
}

/**
 * Checks a lease request up front, naming what is wrong (InvalidLeaseRequestError).
 *
 * @example
 * checkLeaseRequest('pipelines/p/lease', owner, 15_000)
 */
export function checkLeaseRequest(name: string, owner: LeaseOwner, ttlMs: number): void {
  if (!(typeof ttlMs === 'number' && Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new InvalidLeaseRequestError(name, `ttlMs must be a positive number of milliseconds (got ${shown(ttlMs)})`)
  }
  if (typeof owner !== 'object' || owner === null) throw new InvalidLeaseRequestError(name, `owner must be { runner, host, pid } (got ${shown(owner)})`)
  for (const field of ['runner', 'host'] as const) {
    if (!(typeof owner[field] === 'string' && owner[field] !== '')) {
      throw new InvalidLeaseRequestError(name, `owner.${field} must be a non-empty string (got ${shown(owner[field])})`)
    }
  }
  if (!(Number.isInteger(owner.pid) && owner.pid > 0)) throw new InvalidLeaseRequestError(name, `owner.pid must be a positive integer (got ${shown(owner.pid)})`)
  if (owner.start !== undefined && !(typeof owner.start === 'string' && owner.start !== '')) {
    throw new InvalidLeaseRequestError(name, `owner.start must be a non-empty string (the process's start, e.g. from ownProcessStart()) or absent (got ${shown(owner.start)})`)
  }
  if (owner.pidns !== undefined && !(typeof owner.pidns === 'string' && owner.pidns !== '')) {
    throw new InvalidLeaseRequestError(name, `owner.pidns must be a non-empty string (the process's PID namespace, e.g. from ownProcessStart()) or absent (got ${shown(owner.pidns)})`)
  }
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
    throw new InvalidLeaseRequestError(fence.lease, `a fence's token must be a non-negative integer (got ${shown(fence.token)})`)
  }
}
