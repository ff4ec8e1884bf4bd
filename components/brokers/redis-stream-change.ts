import type { Redis } from 'ioredis'
import { compareStreamIds } from './stream-id.ts'

/** What a source reading a Redis stream finds changed after its position, in words for its error. */
export interface StreamChange {
  readonly reason: 'trimmed' | 'deleted' | 'recreated'
  /** What was removed or replaced, e.g. "entries after 5-0 were trimmed off its start: it now starts at 9-0 …". */
  readonly detail: string
}

/**
 * Whether the stream `key` still holds what follows `after` (the last id read) up to `end` (the
 * last id to read, for a bounded source), judged from `XINFO STREAM` and whether entry `after`
 * is still there. Redis records no id for a trim (`max-deleted-entry-id` moves only on XDEL),
 * so a trim is seen from where the stream now starts:
 *
 * - 'trimmed': entry `after` is gone and the stream now starts after it (or is empty), while
 *   entries were removed from it: it was cut at or past the position (XTRIM, XADD MAXLEN/MINID),
 *   and what came next may be gone with it — Redis cannot tell, so it counts as lost.
 * - 'deleted': no key, though `after` was read from it or `end` was still to come.
 * - 'recreated': the key holds a stream that never held `after` or `end` (its last generated id
 *   is smaller, or `after` is gone from a stream that never lost an entry or from the middle of
 *   one that never XDEL'd it).
 *
 * Entries removed one by one with XDEL while `after` or older ones remain are no change: Redis
 * keeps no record of when, and a run never interrupted would not have read one deleted before it
 * got there either. Nothing read yet (`after` '0-0') is checked for a deleted or replaced key
 * only: a restore then reads the stream as it is, as a fresh start would. `entries-added`
 * (Redis 7) tells a replaced stream from a trimmed one; older servers get 'trimmed' for both.
 *
 * @example
 * await streamChange(redis, 'orders', '1700000000000-0', undefined) // undefined: nothing after it was lost
 */
export async function streamChange(redis: Redis, key: string, after: string, end: string | undefined): Promise<StreamChange | undefined> {
  const info = await streamInfo(redis, key)
  const read = after === '0-0' ? 'before its first entry was read' : `after ${after}`
  if (info === undefined) {
    if (after === '0-0' && (end === undefined || end === '0-0')) return undefined
    return { reason: 'deleted', detail: `the key was deleted: the entries ${read}${end === undefined ? '' : ` up to ${end}`} can no longer be read` }
  }
  const { first, length, lastGenerated, maxDeleted, entriesAdded } = info
  const recreated = (entry: string): StreamChange => ({ reason: 'recreated', detail: `the key holds another stream (deleted and created ` +
    `again?): its last generated id is ${lastGenerated}, and it never held entry ${entry}` })
  if (compareStreamIds(lastGenerated, after) < 0) return recreated(after)
  if (end !== undefined && compareStreamIds(lastGenerated, end) < 0) return recreated(end)
  if (after === '0-0' || (await redis.xrange(key, after, after)).length > 0) return undefined
  if (entriesAdded === length) return recreated(after)
  if (first === undefined || compareStreamIds(first, after) > 0) {
    return { reason: 'trimmed', detail: `entry ${after} and the ${entriesAdded === undefined ? '' : `${entriesAdded - length} `}entries ` +
      `before it were removed (XTRIM, or XADD with MAXLEN/MINID): the stream ${first === undefined ? 'is empty' : `now starts at ${first}`}, ` +
      'and Redis keeps no record of whether entries after it went too' }
  }
  return maxDeleted !== undefined && compareStreamIds(maxDeleted, after) < 0 ? recreated(after) : undefined
}

/** The fields of `XINFO STREAM key` the check needs, or undefined when there is no such key. */
async function streamInfo(redis: Redis, key: string): Promise<{ first?: string; length: number; lastGenerated: string; maxDeleted?: string; entriesAdded?: number } | undefined> {
  let reply: unknown[]
  try {
    reply = (await redis.xinfo('STREAM', key)) as unknown[]
  } catch (e) {
    if (e instanceof Error && /no such key/i.test(e.message)) return undefined
    throw e
  }
  const field = (name: string): unknown => { const i = reply.indexOf(name); return i >= 0 && i % 2 === 0 ? reply[i + 1] : undefined }
  const firstEntry = field('first-entry') as [string, unknown] | null | undefined
  const maxDeleted = field('max-deleted-entry-id')
  const added = field('entries-added')
  return { first: firstEntry?.[0], length: Number(field('length')), lastGenerated: String(field('last-generated-id')),
    ...(typeof maxDeleted === 'string' && { maxDeleted }), ...(typeof added === 'number' && { entriesAdded: added }) }
}
