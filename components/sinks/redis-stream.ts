import type { Sink, SinkWriter } from '../../runtime/contracts/sink.ts'
import { BrokerUnavailableError } from '../../runtime/errors/broker-unavailable-error.ts'
import { maskCredentials } from '../brokers/mask-address.ts'
import { checkFunction, checkName, checkObject, checkPositiveInt } from '../../runtime/option-checks.ts'
import { openRedis } from '../brokers/redis-connection.ts'
import { permanentReply, refusedError } from '../brokers/redis-refusal.ts'
import { retryUntil } from '../brokers/retry-until.ts'
import { STAGED_OUTPUT, stagedOutput } from '../brokers/staged-output.ts'

/** Options of `sinks.redisStream`. */
export interface RedisStreamSinkOptions<T> {
  /** e.g. `redis://127.0.0.1:6379` (`redis://user:pass@host:port/db`). */
  readonly url: string
  /** The stream key entries are appended to (XADD). */
  readonly key: string
  /** The entry field holding the payload (default `data`; `sources.redisStream` reads the same). */
  readonly field?: string
  /** The hash keeping each run's high-water mark (default `<key>:oxiflow-written`). */
  readonly markKey?: string
  /** How long an append is retried on errors before the job fails (default 60 000 ms). */
  readonly retryForMs?: number
  /** Record → payload (default `JSON.stringify`). */
  readonly encode?: (record: T) => string
}

/** What the sink's `result()` reports (in `summary.results[step]`). */
export interface RedisStreamSinkResult {
  /** Entries this run appended (a replay's entries already in the stream are not appended again). */
  readonly appended: number
}

/** Records per script call: one round trip and one atomic step each. */
const CHUNK = 500

// Appends the payloads whose ordinal is above the run's high-water mark and moves the mark, in
// one atomic step: a replay of ordinals already appended adds nothing, however late it comes.
const APPEND = `
local mark = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
local first = tonumber(ARGV[3])
local added = 0
for i = 4, #ARGV do
  local ordinal = first + i - 4
  if ordinal > mark then
    redis.call('XADD', KEYS[1], '*', ARGV[2], ARGV[i])
    added = added + 1
  end
end
local last = first + #ARGV - 4
if last > mark then redis.call('HSET', KEYS[2], ARGV[1], last) end
return added`

/**
 * A sink appending each record to a Redis stream as an entry `{ [field]: payload }`. In a job
 * that takes checkpoints it is exactly-once: records are appended when the checkpoint covering
 * them commits, and each append is a Lua script that skips ordinals at or below the run's
 * high-water mark (kept in `markKey`, field `<pipeline>:<step>:<run>`) and moves the mark in
 * the same atomic step — a restore that appends again adds nothing twice, with no time limit.
 * Without checkpoints records are appended as they come. Single Redis server (the stream and
 * the mark must be on one node).
 *
 * @example
 * p.source('in', sources.redisStream({ url: 'redis://127.0.0.1:6379', key: 'orders' }))
 *   .sink('out', sinks.redisStream({ url: 'redis://127.0.0.1:6379', key: 'orders:valid' }))
 */
export function redisStream<T = unknown>(options: RedisStreamSinkOptions<T>): Sink<T, RedisStreamSinkResult> {
  const component = 'redisStream sink'
  checkObject(component, options, "{ url: 'redis://127.0.0.1:6379', key: 'out' }", { url: true, key: true, field: true, markKey: true, retryForMs: true, encode: true } satisfies Record<keyof RedisStreamSinkOptions<T>, true>)
  checkName(component, 'url', options.url, 'a redis:// URL, e.g. "redis://127.0.0.1:6379"', /^rediss?:\/\//)
  checkName(component, 'key', options.key)
  if (options.field !== undefined) checkName(component, 'field', options.field)
  if (options.markKey !== undefined) checkName(component, 'markKey', options.markKey)
  checkPositiveInt(component, 'retryForMs', options.retryForMs)
  checkFunction(component, 'encode', options.encode)
  const { url, key, field = 'data', markKey = `${key}:oxiflow-written`, retryForMs = 60_000, encode } = options
  return {
    kind: 'sink',
    // Its writers need nothing of the main thread: with workers the step runs on one, next to the step before it.
    workerSafe: true,
    // What a writer holds with checkpoints, the state a plan describes (without them it holds none).
    state: [STAGED_OUTPUT],
    description: `redisStream(${key})`,
    async open(ctx): Promise<SinkWriter<T, RedisStreamSinkResult>> {
      const redis = await openRedis(url, `append to stream '${key}'`)
      let appended = 0
      const prefix = `${ctx.pipelineId}:${ctx.step}`
      const writer = stagedOutput<T>(`${ctx.step}/${STAGED_OUTPUT.name}`, ctx.checkpointing === true, async (run, first, payloads) => {
        for (let i = 0; i < payloads.length; i += CHUNK) {
          const args = [`${prefix}:${run}`, field, String(first + i), ...payloads.slice(i, i + CHUNK)]
          // A refusal (WRONGTYPE: the key holds a string) is the same answer however long one retries: failed at once, not as an outage.
          const added = await retryUntil(() => redis.eval(APPEND, 2, key, markKey, ...args), retryForMs, (e) => permanentReply(e) !== undefined).catch(async (e: unknown) => {
            if (permanentReply(e) !== undefined) {
              throw await refusedError(redis, { step: ctx.step, who: component, url, doing: `append to stream '${key}'`, keys: [[key, 'stream'], [markKey, 'hash']] }, e as Error)
            }
            throw new BrokerUnavailableError('redis', maskCredentials(url), `append to stream '${key}'`, `${(e as Error).message} (retried for ${retryForMs} ms)`, { cause: e })
          })
          appended += Number(added)
        }
      }, async () => { await redis.quit().catch(() => redis.disconnect()) }, encode)
      return { ...writer, result: () => ({ appended }) }
    },
  }
}
