import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MetricsServerError } from './metrics-server-error.ts'
import type { JobMetrics } from '../contracts/job.ts'
import { jobRegistry } from './job-registry.ts'

/** Addresses that listen on every interface (IPv4 and IPv6 spellings). */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '::0', '0:0:0:0:0:0:0:0'])

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/**
 * Serves a job's metrics as Prometheus text at `GET /metrics` (prom-client, a registry of its
 * own: see jobRegistry), on 127.0.0.1 unless `host` says otherwise (a wildcard such as 0.0.0.0
 * is warned about on stderr: the endpoint has no authentication); port 0 picks a free port.
 * `sample` is read once per scrape (undefined before the job exists). Rejects with
 * MetricsServerError when it cannot listen. Close it when the job ends (`oxiflow run
 * --metrics-port` does).
 *
 * @example
 * const server = await serveMetrics('clicks', () => job.metrics(), { port: 9464 })
 * await job.done; await server.close()
 */
export async function serveMetrics(pipelineId: string, sample: () => JobMetrics | undefined,
  options: { readonly port: number; readonly host?: string }): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1'
  const registry = jobRegistry(pipelineId, sample)
  // Imported here: node:http (and the net/stream modules under it) would otherwise load into every
  // process and worker thread, which almost never serve metrics (bench/README.md, "What the floor is made of").
  const { createServer } = await import('node:http')
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('oxiflow serves GET /metrics\n')
      return
    }
    registry.metrics().then(
      (text) => { res.writeHead(200, { 'content-type': registry.contentType }).end(text) },
      (e: unknown) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`) })
  })
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
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
