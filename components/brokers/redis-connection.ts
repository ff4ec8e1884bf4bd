import type { Redis } from 'ioredis'
import { BrokerUnavailableError } from '../../runtime/errors/broker-unavailable-error.ts'
import { maskCredentials } from './mask-address.ts'

/**
 * Connects to Redis with ioredis. Commands wait through a disconnection (the client reconnects
 * without limit and retries them), so a broker restarted mid-run pauses the job instead of
 * failing it; a first connection that fails is a BrokerUnavailableError.
 *
 * @example
 * const redis = await openRedis('redis://127.0.0.1:6379', 'read stream events'); await redis.quit()
 */
export async function openRedis(url: string, doing: string): Promise<Redis> {
  // Loaded on first use: every process and worker thread imports oxiflow, few talk to Redis.
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
  })
  // Reconnection errors are expected while the server is away; commands wait, so they are not reported twice.
  redis.on('error', () => {})
  try {
    await redis.connect()
  } catch (e) {
    redis.disconnect()
    throw new BrokerUnavailableError('redis', maskCredentials(url), doing, (e as Error).message, { cause: e })
  }
  return redis
}
