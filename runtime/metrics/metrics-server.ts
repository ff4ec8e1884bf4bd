import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MetricsServerError } from './metrics-server-error.ts'
import type { JobMetrics } from '../contracts/job.ts'
import type { PlanDescription } from '../plan/plan-description.ts'
import { jobRegistry } from './job-registry.ts'

/** Addresses that listen on every interface (IPv4 and IPv6 spellings). */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '::0', '0:0:0:0:0:0:0:0'])

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string
  /** `http://host:port/`: the live page. */
  readonly pageUrl: string
  readonly port: number
  close(): Promise<void>
}

/** Where to listen, and what the live page shows beyond the metrics. */
export interface ServeMetricsOptions {
  readonly port: number
  /** Default 127.0.0.1; a wildcard such as 0.0.0.0 is warned about. */
  readonly host?: string
  /** The job's plan (`p.plan({ workers })`), drawn as a graph; without it the page shows the steps of the metrics, unconnected. */
  readonly plan?: PlanDescription
  /** For a job with a store: the `oxiflow state show --json` view of its pipeline, read from the store (undefined: none yet). */
  readonly state?: () => Promise<unknown>
  /** Time between the live page's metrics frames (default 500 ms). */
  readonly eventIntervalMs?: number
}

/**
 * Serves a job's metrics: Prometheus text at `GET /metrics` (prom-client, a registry of its own:
 * see jobRegistry) and the live page at `GET /` with the JSON it reads (`/api/plan`,
 * `/api/layout`, `/api/metrics`, `/api/events`, `/api/state`: see metricsRoutes), on 127.0.0.1
 * unless `host` says otherwise (a wildcard such as 0.0.0.0 is warned about on stderr: the endpoint
 * has no authentication); port 0 picks a free port. `sample` is read once per scrape or request,
 * and once per frame for all the page's open streams (undefined before the job exists). Rejects
 * with MetricsServerError when it cannot listen. Close it when the job ends (`oxiflow run
 * --metrics-port` does): that ends the page's open streams too.
 *
 * @example
 * const server = await serveMetrics('clicks', () => job.metrics(), { port: 9464, plan: p.plan() })
 * await job.done; await server.close()
 */
export async function serveMetrics(pipelineId: string, sample: () => JobMetrics | undefined, options: ServeMetricsOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1'
  const registry = jobRegistry(pipelineId, sample)
  // Imported here: node:http (and the net/stream modules under it) and the page would otherwise load into every
  // process and worker thread, which almost never serve metrics (bench/README.md, "What the floor is made of").
  const { createServer } = await import('node:http')
  const { metricsRoutes } = await import('./metrics-routes.ts')
  const { metricsEvents } = await import('./metrics-events.ts')
  const events = metricsEvents(sample, options.eventIntervalMs)
  const server: Server = createServer(metricsRoutes({ pipelineId, registry, sample, events, plan: options.plan, state: options.state }))
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new MetricsServerError(host, options.port, (e as Error).message, { cause: e })))
    server.listen(options.port, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  if (WILDCARD_HOSTS.has(host)) {
    // The endpoint has no authentication: on a wildcard address anyone who can reach the machine reads it.
    process.stderr.write(`oxiflow: warning: metrics are served on all network interfaces (${host}:${port}), without ` +
      'authentication: anyone who can reach this machine can read them; listen on 127.0.0.1 (the default) unless that is intended\n')
  }
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    url: `${base}/metrics`,
    pageUrl: `${base}/`,
    port,
    close: () => new Promise<void>((resolve) => {
      // Open event streams first (they would keep close() waiting), then every other connection.
      events.close()
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
