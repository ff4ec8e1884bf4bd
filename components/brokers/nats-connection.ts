import type { NatsConnection } from '@nats-io/nats-core'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { BrokerUnavailableError } from '../../runtime/errors/broker-unavailable-error.ts'
import { maskCredentials } from './mask-address.ts'

/** An open NATS connection with its JetStream client and manager. */
export interface NatsSession {
  readonly nc: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  /** The servers as messages print them (credentials masked). */
  readonly address: string
}

/**
 * Connects to NATS and opens JetStream. The client reconnects without limit (a broker restarted
 * mid-run is waited for, not a failure); a first connection that fails is a BrokerUnavailableError.
 *
 * @example
 * const s = await openNats('127.0.0.1:4222'); await s.js.publish('a', 'x'); await s.nc.close()
 */
export async function openNats(servers: string | readonly string[], doing: string): Promise<NatsSession> {
  const list = typeof servers === 'string' ? [servers] : [...servers]
  const address = list.map(maskCredentials).join(',')
  // Loaded on first use: every process and worker thread imports oxiflow, few talk to NATS.
  const [{ connect }, { jetstream, jetstreamManager }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')])
  let nc: NatsConnection
  try {
    nc = await connect({ servers: list, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'oxiflow' })
  } catch (e) {
    throw new BrokerUnavailableError('nats', address, doing, (e as Error).message, { cause: e })
  }
  try {
    return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc), address }
  } catch (e) {
    await nc.close().catch(() => undefined)
    throw new BrokerUnavailableError('nats', address, doing, `JetStream is not available (${(e as Error).message}); start nats-server with -js`, { cause: e })
  }
}
