import { OxiflowError } from './oxiflow-error.ts'

/**
 * A message broker (NATS JetStream, Redis) could not be reached or refused an operation for
 * longer than the component waits. Names the broker, the address (without credentials) and
 * what was being done.
 *
 * @example
 * try { await job.done } catch (e) { if (isBrokerUnavailableError(e)) console.error(e.broker, e.address) }
 */
export class BrokerUnavailableError extends OxiflowError {
  override readonly name = 'BrokerUnavailableError'
  constructor(readonly broker: 'nats' | 'redis', readonly address: string, doing: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_BROKER_UNAVAILABLE', `${broker} at ${address}: cannot ${doing}: ${reason}; ` +
      'check that the server is running and reachable (and, for JetStream, that the stream exists)', options)
  }
}

export function isBrokerUnavailableError(e: unknown): e is BrokerUnavailableError {
  return e instanceof BrokerUnavailableError
}
