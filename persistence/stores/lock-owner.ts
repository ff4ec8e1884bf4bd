import { hostname } from 'node:os'
import { threadId } from 'node:worker_threads'
import { pidAlive } from './pid-alive.ts'
import { ownPidNamespace, processIdentity } from './process-identity.ts'

/** A lock of another host (a shared filesystem: its pid cannot be probed) is broken after this. */
const FOREIGN_STALE_AFTER_MS = 30_000
/** A lock whose content cannot be read (written by something else, or truncated) is broken after this. */
const UNREADABLE_STALE_AFTER_MS = 5_000

/** processIdentity of this process, read once: it cannot change while we run. */
let own: string | undefined | null = null
const ownIdentity = (): string | undefined => own === null ? (own = processIdentity(process.pid)) : own

/** Who wrote a lock file: `host pid identity thread token pidns` (identity and pidns '-' where /proc is missing). */
export interface LockOwner {
  readonly host: string
  readonly pid: number
  /** processIdentity(pid) when written: tells a reused pid, or PID 1 of a later container life, apart. */
  readonly identity: string | undefined
  /** The worker thread of `pid` that holds it; undefined in locks written before tokens existed. */
  readonly thread: number | undefined
  /** Random per acquisition: only the acquisition that wrote it may consider it its own. */
  readonly token: string | undefined
  /** The PID namespace of `pid` (ownPidNamespace); undefined in locks of earlier versions. */
  readonly pidns: string | undefined
}

/**
 * The content of a new lock file naming this thread of this process and `token`.
 *
 * @example
 * ownLockText('9f2c0d1e') // 'box 4242 3f0c…/48213 0 9f2c0d1e 4026531836'
 */
export function ownLockText(token: string): string {
  return `${hostname()} ${process.pid} ${ownIdentity() ?? '-'} ${threadId} ${token} ${ownPidNamespace() ?? '-'}`
}

/**
 * Reads a lock file's content; undefined when it is not one. `host pid` alone (locks of earlier
 * versions) is read with no identity, thread, token or PID namespace.
 *
 * @example
 * parseLockOwner('box 4242') // { host: 'box', pid: 4242, identity: undefined, thread: undefined, token: undefined, pidns: undefined }
 */
export function parseLockOwner(text: string): LockOwner | undefined {
  const [host, pid, identity, thread, token, pidns] = text.trim().split(' ')
  if (!host || !pid || !/^\d+$/.test(pid)) return undefined
  return {
    host, pid: Number(pid),
    identity: identity && identity !== '-' ? identity : undefined,
    thread: thread && /^\d+$/.test(thread) ? Number(thread) : undefined,
    token: token || undefined,
    pidns: pidns && pidns !== '-' ? pidns : undefined,
  }
}

/**
 * True when the lock's holder can no longer release it, so it may be broken: its process is
 * dead, or its pid now belongs to another process (another start time or boot), or it names
 * this very thread with a token this thread does not hold (left by an earlier life of this pid:
 * PID 1 in a restarted container). Locks of other hosts, of another PID namespace of this host
 * (another container sharing the hostname: its pid means nothing here) and unreadable ones age out.
 *
 * @example
 * isStaleLock(parseLockOwner(text), ageMs, (token) => held.has(token))
 */
export function isStaleLock(owner: LockOwner | undefined, ageMs: number, heldHere: (token: string) => boolean): boolean {
  if (owner === undefined) return ageMs > UNREADABLE_STALE_AFTER_MS
  if (owner.host !== hostname()) return ageMs > FOREIGN_STALE_AFTER_MS
  if (owner.pidns !== undefined && ownPidNamespace() !== undefined && owner.pidns !== ownPidNamespace()) return ageMs > FOREIGN_STALE_AFTER_MS
  if (owner.pid === process.pid) {
    if (owner.token !== undefined && heldHere(owner.token)) return false
    if (owner.identity !== undefined && owner.identity !== ownIdentity()) return true
    // Another thread of this process may hold it, and its tokens are not visible from here; a
    // section lasts milliseconds, so one that lasts this long belongs to a terminated thread.
    if (owner.thread !== undefined && owner.thread !== threadId) return ageMs > FOREIGN_STALE_AFTER_MS
    return true
  }
  if (!pidAlive(owner.pid)) return true
  const now = owner.identity === undefined ? undefined : processIdentity(owner.pid)
  // Undefined with a live pid: /proc hides it (hidepid) — trust the pid then.
  return now !== undefined && now !== owner.identity
}

/**
 * Says who holds a lock, for error messages.
 *
 * @example
 * describeLockOwner(owner) // 'pid 4242 on host box'
 */
export function describeLockOwner(owner: LockOwner | undefined): string {
  return owner === undefined ? 'an unreadable lock file' : `pid ${owner.pid} on host ${owner.host}${owner.pidns === undefined || owner.pidns === ownPidNamespace() ? '' : ` (PID namespace ${owner.pidns})`}`
}
