import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * The metrics endpoint could not listen on the address asked for (port in use, no permission,
 * an address this host does not have).
 *
 * @example
 * // cannot serve metrics on 127.0.0.1:9464: listen EADDRINUSE — choose another --metrics-port (0 picks a free one)
 */
export class MetricsServerError extends OxiflowError {
  override readonly name = 'MetricsServerError'
  constructor(readonly host: string, readonly port: number, reason: string, options?: { cause?: unknown }) {
    super('ERR_METRICS_SERVER', `cannot serve metrics on ${host}:${port}: ${reason} — choose another --metrics-port (0 picks a free one) or --metrics-host`, options)
  }
}

/**
 * True when `e` is a MetricsServerError.
 *
 * @example
 * if (isMetricsServerError(e)) console.error(e.port)
 */
export function isMetricsServerError(e: unknown): e is MetricsServerError {
  return e instanceof MetricsServerError
}
