import { CorruptStoreFileError } from './corrupt-store-file-error.ts'
import { leaseOwnerRecord } from './lease-rules.ts'
import type { LeaseOwner } from './state-store.ts'

/**
 * A lease as stored. After a release `owner` is null and the token stays, so the next grant's
 * token is larger (tokens are never reused). In the file store it is a JSON file:
 * `{"format":1,"token":4,"owner":{"runner":"r1","host":"a1","pid":4242,"start":"<boot id>/<ticks>"},"acquiredAt":…,"expiresAt":…}`.
 * The owner's `start` is optional and the format stays 1: files written before it existed read
 * as owners without a start (judged by their pid alone), and earlier versions ignore it.
 *
 * @example
 * const r: LeaseRecord = { token: 1, owner: { runner: 'r1', host: 'a1', pid: 42 }, acquiredAt: 0, expiresAt: 15_000 }
 */
export interface LeaseRecord {
  token: number
  owner: LeaseOwner | null
  acquiredAt: number
  expiresAt: number
}

/**
 * The lease file's text.
 *
 * @example
 * await writeFileAtomic(tmp, path, Buffer.from(formatLeaseRecord(r)))
 */
export function formatLeaseRecord(r: LeaseRecord): string {
  return JSON.stringify({ format: 1, token: r.token, owner: r.owner, acquiredAt: r.acquiredAt, expiresAt: r.expiresAt })
}

/**
 * Parses a lease file, checking every field: CorruptStoreFileError naming `path` otherwise.
 *
 * @example
 * parseLeaseRecord(await readFile(path, 'utf8'), path).token
 */
export function parseLeaseRecord(text: string, path: string): LeaseRecord {
  let v: Record<string, unknown>
  try {
    v = JSON.parse(text) as Record<string, unknown>
  } catch (e) {
    throw new CorruptStoreFileError(path, `not JSON (${(e as Error).message})`, { cause: e })
  }
  const o = v?.owner as Record<string, unknown> | null | undefined
  const ownerOk = o === null || (typeof o === 'object' && o !== undefined && typeof o.runner === 'string' && typeof o.host === 'string' && typeof o.pid === 'number' &&
    (o.start === undefined || typeof o.start === 'string') && (o.pidns === undefined || typeof o.pidns === 'string'))
  if (v?.format !== 1 || !Number.isSafeInteger(v.token) || !ownerOk || typeof v.acquiredAt !== 'number' || typeof v.expiresAt !== 'number') {
    throw new CorruptStoreFileError(path, 'not a lease record of format 1 (format, token, owner, acquiredAt, expiresAt)')
  }
  const owner = o === null ? null : leaseOwnerRecord({ runner: o!.runner as string, host: o!.host as string, pid: o!.pid as number, start: o!.start as string | undefined, pidns: o!.pidns as string | undefined })
  return { token: v.token as number, owner, acquiredAt: v.acquiredAt, expiresAt: v.expiresAt }
}
