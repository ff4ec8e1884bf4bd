import type { Source, SourceContext, SourceReader } from '../../runtime/contracts/source.ts'
import { MessageDecodeError } from '../../runtime/errors/message-decode-error.ts'
import { SourceStreamChangedError } from '../../runtime/errors/source-stream-changed-error.ts'
import { checkBoolean, checkFunction, checkName, checkObject, checkPositiveInt } from '../../runtime/option-checks.ts'
import { openRedis } from '../brokers/redis-connection.ts'
import { maskCredentials } from '../brokers/mask-address.ts'
import { permanentReply, refusedError } from '../brokers/redis-refusal.ts'
import { streamChange } from '../brokers/redis-stream-change.ts'
import { compareStreamIds, isStreamId } from '../brokers/stream-id.ts'
import { positionHolder, SOURCE_POSITION } from './position-holder.ts'

/** Options of `sources.redisStream`. */
export interface RedisStreamSourceOptions<T> {
  /** e.g. `redis://127.0.0.1:6379`. */
  readonly url: string
  /** The stream key to read (XREAD). */
  readonly key: string
  /** The entry field holding the payload (default `data`, as `sinks.redisStream` writes it). */
  readonly field?: string
  /**
   * End at the stream's last entry as it was when the job first started (kept in the
   * checkpoint, so a restore reads to the same end). Default false: run until stopped.
   */
  readonly stopAtEnd?: boolean
  /** Payload → record (default: JSON). A throw follows the step's onError. */
  readonly decode?: (payload: string, entry: { readonly id: string }) => T
  /** With nothing to read, a read returns empty after this long so checkpoints and stops get through (default 100 ms). */
  readonly idleMs?: number
}

/** The checkpointed position: the id of the last entry read ('0-0' before the first), and the last to read when stopping at the end. */
export interface RedisStreamPosition {
  readonly after: string
  readonly end?: string
}

/**
 * A replayable source reading a Redis stream by entry id with XREAD (no consumer group: the
 * position is the last id read, kept in the source's StateHolder and committed with
 * checkpoints), so a restore reads again after the checkpointed id. Records are the entries'
 * `field` parsed as JSON. Unbounded unless `stopAtEnd`. The client reconnects without limit;
 * reads wait while the server is away. A restore whose stream lost entries after the
 * checkpointed id (trimmed, the key deleted or created anew: see `streamChange`) is refused
 * with SourceStreamChangedError before any record flows; a running job fails with it when entries
 * it had not read yet are trimmed away (a capped stream it fell behind) or its key is deleted, and
 * so does a bounded read that finds the entries up to its end gone; a key holding another type
 * fails with BrokerRefusedError.
 *
 * @example
 * p.source('orders', sources.redisStream({ url: 'redis://127.0.0.1:6379', key: 'orders' }))
 */
export function redisStream<T = unknown>(options: RedisStreamSourceOptions<T>): Source<T> {
  const component = 'redisStream source'
  checkObject(component, options, "{ url: 'redis://127.0.0.1:6379', key: 'orders' }", { url: true, key: true, field: true, stopAtEnd: true, decode: true, idleMs: true } satisfies Record<keyof RedisStreamSourceOptions<T>, true>)
  checkName(component, 'url', options.url, 'a redis:// URL, e.g. "redis://127.0.0.1:6379"', /^rediss?:\/\//)
  checkName(component, 'key', options.key)
  if (options.field !== undefined) checkName(component, 'field', options.field)
  checkBoolean(component, 'stopAtEnd', options.stopAtEnd)
  checkFunction(component, 'decode', options.decode)
  checkPositiveInt(component, 'idleMs', options.idleMs)
  return {
    kind: 'source',
    // What its reader's positionHolder registers (the default format): one position, whatever the options.
    state: [SOURCE_POSITION],
    description: `redisStream(${options.key})`,
    bounded: options.stopAtEnd === true,
    open: (ctx) => openReader(ctx, options),
  }
}

type Entry = [id: string, fields: string[]]

async function openReader<T>(ctx: SourceContext, options: RedisStreamSourceOptions<T>): Promise<SourceReader<T>> {
  const { key, field = 'data', stopAtEnd = false, idleMs = 100 } = options
  const decode = options.decode ?? ((payload: string) => JSON.parse(payload) as T)
  const redis = await openRedis(options.url, `read stream '${key}'`)
  let after = '0-0'
  let end: string | undefined
  let ended = false
  let restored = false
  const position = (): RedisStreamPosition => (end === undefined ? { after } : { after, end })

  const holder = positionHolder<RedisStreamPosition>(`${ctx.step}/${SOURCE_POSITION.name}`, position, (p) => { after = p.after; end = p.end; restored = true },
    (s) => {
      const p = s as RedisStreamPosition
      return typeof p === 'object' && p !== null && isStreamId(p.after) && (p.end === undefined || isStreamId(p.end))
        ? undefined : "expected { after, end? } with entry ids like '1700000000000-0'"
    })

  const where = `step '${ctx.step}' (redisStream source): stream '${key}' at ${maskCredentials(options.url)}`
  /** Refuses to go on when entries after `after` (up to `end`) were lost; `since` says since when. */
  const refuseChanged = async (since: 'restore' | 'run'): Promise<void> => {
    const change = await streamChange(redis, key, after, end)
    if (change === undefined) return
    const fix = since === 'restore'
      ? 'an older checkpoint is further behind, so none can resume without skipping them: start the job without restore ' +
        '(it reads the stream as it is now from its first entry, with empty state), or put the removed entries back first'
      : end !== undefined ? 'the job cannot reach the end recorded at its first start: recreate the stream and run the job again without restore'
        : 'they were never read: a stream capped with MAXLEN or MINID must keep what the job has not read yet (give it more room, or make ' +
          'the job keep up), and a deleted key loses what was not read; the checkpoints are behind the loss too, so start the job without restore ' +
          '(it reads the stream as it is now from its first entry, with empty state)'
    throw new SourceStreamChangedError(ctx.step, key, after, change.reason, since === 'restore'
      ? `${where} changed since the checkpoint (restored position: after entry ${after}${end === undefined ? '' : `, end ${end}`}): ` +
        `${change.detail}, so resuming would silently skip entries the checkpoint had not read; ${fix}`
      : `${where} changed while it was read (last entry read ${after}${end === undefined ? '' : `, end recorded at the first start ${end}`}): ${change.detail}; ${fix}`)
  }

  /** Runs after any restore: a restore checks nothing it was to read is lost; a fresh start that stops at the end fixes the end now. */
  const start = async (): Promise<void> => {
    if (restored && !(end !== undefined && compareStreamIds(after, end) >= 0)) await refuseChanged('restore')
    if (!stopAtEnd || end !== undefined) return
    const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Entry[]
    end = last.length === 0 ? '0-0' : last[0][0]
  }

  let started: Promise<void> | undefined
  const read = (max: number): Promise<readonly T[] | undefined> => readBatch(max).catch(async (e: unknown) => {
    if (permanentReply(e) === undefined) throw e
    throw await refusedError(redis, { step: ctx.step, who: 'redisStream source', url: options.url, doing: `read stream '${key}'`, keys: [[key, 'stream']] }, e as Error)
  })
  const readBatch = async (max: number): Promise<readonly T[] | undefined> => {
    if (!started) started = start()
    await started
    if (ended || (end !== undefined && compareStreamIds(after, end) >= 0)) { ended = true; return undefined }
    if (ctx.signal.aborted) return []
    const entries = after === '0-0' ? await readFirst(max) : await readAfter(max)
    if (entries === undefined && end !== undefined) {
      // Bounded, and nothing after `after` though the end is after it: the entries up to the end
      // are gone. Trimmed, deleted or replaced fails; removed one by one (XDEL) leaves nothing to read.
      await refuseChanged('run')
      ended = true
      return undefined
    }
    const out: T[] = []
    for (const [id, fields] of entries ?? []) {
      if (end !== undefined && compareStreamIds(id, end) > 0) { ended = true; break }
      after = id
      const at = fields.indexOf(field)
      // Field names sit at even places; a value equal to the field name must not be taken for it.
      const index = at >= 0 && at % 2 === 0 ? at : fields.findIndex((f, i) => i % 2 === 0 && f === field)
      try {
        if (index < 0) throw new Error(`the entry has no field '${field}' (fields: ${fields.filter((_, i) => i % 2 === 0).join(', ')})`)
        out.push(decode(fields[index + 1], { id }))
      } catch (e) {
        ctx.reject(new MessageDecodeError(`redis stream ${key} id ${id}`, (e as Error).message), `redis stream ${key} id ${id}`, fields)
      }
    }
    return out.length === 0 && ended ? undefined : out
  }

  /** Nothing read yet: whatever the stream holds now is its start, as for a fresh job. */
  const readFirst = async (max: number): Promise<Entry[] | undefined> => {
    const reply = (await redis.xread('COUNT', max, 'BLOCK', idleMs, 'STREAMS', key, after)) as [string, Entry[]][] | null
    return reply?.[0]?.[1]
  }
  /**
   * Reads after `after` with one XRANGE that starts at entry `after` itself (inclusive): a stream
   * only loses entries from its start (XTRIM, XADD with MAXLEN/MINID), so while that entry is
   * there nothing after it was trimmed before this read; when it is gone, `streamChange` tells a
   * trim past it (entries never read: the job fails) from a single XDEL (no loss). With nothing
   * to read yet, a blocking XREAD waits for entries and the XRANGE reads them again, so entries
   * added and trimmed by one command or transaction are not skipped either.
   */
  const readAfter = async (max: number): Promise<Entry[] | undefined> => {
    for (let waited = false; ; waited = true) {
      const got = (await redis.xrange(key, after, '+', 'COUNT', max + 1)) as Entry[]
      const kept = got.length > 0 && got[0][0] === after
      if (!kept) await refuseChanged('run')
      const entries = kept ? got.slice(1) : got
      if (entries.length > 0) return entries
      if (waited || ctx.signal.aborted) return undefined
      if ((await redis.xread('COUNT', 1, 'BLOCK', idleMs, 'STREAMS', key, after)) === null) return undefined
    }
  }

  return {
    read,
    position,
    holders: () => [holder],
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
