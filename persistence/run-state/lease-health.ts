import { hostname } from 'node:os'
import { leaseHolderGone, ownProcessStart } from '../stores/lease-holder.ts'
import type { LeaseInfo, LeaseOwner } from '../stores/state-store.ts'

/**
 * Whether a listed lease is stale — what a store would let another runner take over: its TTL
 * passed, or its holder is a process of this host that is gone: dead (a SIGKILLed runner), or
 * its pid now another process (leaseHolderGone).
 *
 * @example
 * const stale = (await store.leases()).filter((l) => isStaleLease(l, Date.now()))
 */
export function isStaleLease(lease: LeaseInfo, now: number): boolean {
  return lease.expiresAt < now || leaseHolderGone(lease.owner) !== undefined
}

/**
 * This process as the owner of a lease an offline command takes for a moment (cleanup, import).
 *
 * @example
 * await store.lease('pipelines/p/lease', toolOwner('import'), 60_000)
 */
export function toolOwner(tool: string): LeaseOwner {
  return { runner: `oxiflow-${tool}:${hostname()}:${process.pid}`, host: hostname(), pid: process.pid, ...ownProcessStart() }
}

/**
 * The pipeline id of a runner lease name (`pipelines/<id>/lease`), undefined for other leases.
 *
 * @example
 * pipelineOfLease('pipelines/clicks/lease') // 'clicks'
 */
export function pipelineOfLease(name: string): string | undefined {
  return /^pipelines\/([^/]+)\/lease$/.exec(name)?.[1]
}
