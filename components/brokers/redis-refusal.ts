import type { Redis } from 'ioredis'
import { BrokerRefusedError } from '../../runtime/errors/broker-refused-error.ts'
import { maskCredentials } from './mask-address.ts'

/**
 * Server replies a retry can outlive: a server loading its data, a busy script, a failover or
 * cluster change under way, memory full until something is evicted or consumed. Any other
 * error reply (WRONGTYPE, ERR, NOPERM, NOSCRIPT, …) is the server's answer to this command on
 * this key and stays the same however long one waits.
 */
const TRANSIENT = new Set(['LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'NOREPLICAS', 'OOM', 'MOVED', 'ASK'])

/**
 * The error code of a Redis error reply that retrying cannot change, or undefined for anything
 * else (a transient reply, a lost connection, a timeout).
 *
 * @example
 * permanentReply(e) // 'WRONGTYPE' for "WRONGTYPE Operation against a key holding the wrong kind of value"
 */
export function permanentReply(e: unknown): string | undefined {
  if (!(e instanceof Error) || e.name !== 'ReplyError') return undefined
  const code = /^([A-Z]+)\b/.exec(e.message)?.[1] ?? 'ERR'
  return TRANSIENT.has(code) ? undefined : code
}

/** Who met the refusal: the step, its component, the server and what it was doing. */
export interface RefusalSite {
  readonly step: string
  readonly who: string
  readonly url: string
  readonly doing: string
  /** The keys the command touches and the type each should hold (`stream`, `hash`). */
  readonly keys: readonly (readonly [key: string, type: string])[]
}

/**
 * The BrokerRefusedError for a permanent reply `e` (see permanentReply): for WRONGTYPE it asks
 * the server which of `site.keys` holds another type, so the message names the key and what it
 * holds.
 *
 * @example
 * throw await refusedError(redis, { step: 'out', who: 'redisStream sink', url, doing: "append to stream 'k'", keys: [['k', 'stream']] }, e)
 */
export async function refusedError(redis: Redis, site: RefusalSite, e: Error): Promise<BrokerRefusedError> {
  const reply = permanentReply(e) ?? 'ERR'
  const address = maskCredentials(site.url)
  let fix = "check the server's version (Redis 7 or later) and the ACL permissions of the URL's user, then run the job again"
  const main = site.keys[0][0]
  if (reply === 'WRONGTYPE') {
    const types = await Promise.all(site.keys.map(async ([key]) => redis.type(key).catch(() => 'unknown')))
    const wrong = site.keys.map(([key, want], i) => ({ key, want, has: types[i] })).filter((k) => k.has !== k.want && k.has !== 'none')
    const which = wrong.length === 0 ? `a key it uses holds another type than it needs` : wrong.map((k) => `key '${k.key}' holds a ${k.has}, not a ${k.want}`).join(', ')
    fix = `${which}: delete or rename ${wrong.length === 1 ? 'that key' : 'those keys'}, or give the step another key`
  }
  return new BrokerRefusedError('redis', address, site.step, main, reply,
    `step '${site.step}' (${site.who}): redis at ${address} refused to ${site.doing}: ${e.message.replace(/\.$/, '')}. This is no outage, waiting or ` +
    `restoring cannot change it: ${fix}`, { cause: e })
}
