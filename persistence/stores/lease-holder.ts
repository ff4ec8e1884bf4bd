import { hostname } from 'node:os'
import { pidAlive } from './pid-alive.ts'
import { ownPidNamespace, processIdentity } from './process-identity.ts'
import type { LeaseOwner } from './state-store.ts'

/**
 * This process's start and PID namespace for a lease owner's `start` (processIdentity: `<boot
 * id>/<start ticks>`) and `pidns` (ownPidNamespace); each absent where /proc cannot be read, and
 * the owner is then judged by its pid alone.
 *
 * @example
 * const owner: LeaseOwner = { runner: 'r1', host: hostname(), pid: process.pid, ...ownProcessStart() }
 */
export function ownProcessStart(): { start?: string; pidns?: string } {
  const start = processIdentity(process.pid)
  const pidns = ownPidNamespace()
  return { ...(start !== undefined && { start }), ...(pidns !== undefined && { pidns }) }
}

/**
 * Why the process that `owner` names can no longer hold its lease, or undefined while it may.
 * Only this host's processes of our PID namespace can be probed: a holder elsewhere, or in
 * another container sharing the hostname, keeps its lease until its TTL.
 * Here it is gone when its pid is dead (a zombie too, see pidAlive), or when the pid is alive but
 * is another process — its start differs from the owner's: a reused pid, or this very pid in a
 * later life (PID 1 of a restarted container is the runner every time, and its earlier life's
 * lease must not look held until the TTL). An owner without `start` (written by an earlier
 * version) is judged by its pid alone, as before. Another runner of this same process (same
 * start) holds its lease.
 *
 * @example
 * if (leaseHolderGone(current.owner) !== undefined) grant()
 */
export function leaseHolderGone(owner: LeaseOwner): string | undefined {
  if (owner.host !== hostname()) return undefined
  // Another PID namespace of this host: its pid means nothing in our /proc.
  if (owner.pidns !== undefined && ownPidNamespace() !== undefined && owner.pidns !== ownPidNamespace()) return undefined
  const recorded = typeof owner.start === 'string' ? owner.start : undefined
  if (owner.pid === process.pid) {
    const mine = processIdentity(process.pid)
    if (recorded === undefined || mine === undefined || recorded === mine) return undefined
    return `it names this process's pid ${owner.pid} on ${owner.host}, but an earlier process with that pid took it ` +
      `(started ${recorded}; this one ${mine}): a restarted container's PID 1, or a reused pid`
  }
  const dead = `its process ${owner.pid} on ${owner.host} is dead`
  if (!pidAlive(owner.pid)) return dead
  if (recorded === undefined) return undefined
  const now = processIdentity(owner.pid)
  // Undefined with a live pid: /proc hides it (hidepid) — trust the pid then. It may also have
  // exited between the two reads: ask again.
  if (now === undefined) return pidAlive(owner.pid) ? undefined : dead
  if (now === recorded) return undefined
  return `pid ${owner.pid} on ${owner.host} is another process now (the holder started ${recorded}; this one ${now}): the pid was reused`
}
