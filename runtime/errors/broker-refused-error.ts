import { OxiflowError } from './oxiflow-error.ts'

/**
 * A message broker answered an operation with an error that trying again cannot change — Redis
 * `WRONGTYPE` (the key holds a string, a hash, … not a stream), an unknown command, a missing
 * ACL permission — as opposed to an outage (BrokerUnavailableError), which is waited for. It
 * fails the step at once, naming the step, the key and what to do; a restore meets the same
 * answer until the key or the server is fixed.
 *
 * @example
 * try { await job.done } catch (e) { if (isBrokerRefusedError(e)) console.error(e.step, e.target, e.reply) }
 */
export class BrokerRefusedError extends OxiflowError {
  override readonly name = 'BrokerRefusedError'
  constructor(readonly broker: 'nats' | 'redis', readonly address: string, readonly step: string, readonly target: string,
    /** The server's error code (`WRONGTYPE`, `ERR`, `NOPERM`, …). */
    readonly reply: string, message: string, options?: { cause?: unknown }) {
    super('ERR_BROKER_REFUSED', message, options)
  }
}

/**
 * True when `e` is a BrokerRefusedError.
 *
 * @example
 * job.done.catch((e) => { if (isBrokerRefusedError(e)) console.error(e.message) })
 */
export function isBrokerRefusedError(e: unknown): e is BrokerRefusedError {
  return e instanceof BrokerRefusedError
}
