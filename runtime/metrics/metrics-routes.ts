import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import type { JobMetrics } from '../contracts/job.ts'
import type { PlanDescription } from '../plan/plan-description.ts'
import { livePageAssets } from './live-page.ts'
import type { MetricsEvents } from './metrics-events.ts'
import { planLayout } from './plan-layout.ts'
import { planOfSteps } from './plan-of-steps.ts'

/** What the routes serve: the job's figures, its plan and, for a job with a store, its state view. */
export interface RouteSources {
  readonly pipelineId: string
  readonly registry: Registry
  readonly sample: () => JobMetrics | undefined
  readonly events: MetricsEvents
  readonly plan: PlanDescription | undefined
  /** The `oxiflow state show --json` view of the pipeline, undefined when the store has none yet. */
  readonly state: (() => Promise<unknown>) | undefined
}

const ROUTES = 'GET / (the live page), /metrics (Prometheus), /api/plan, /api/layout, /api/metrics, /api/events, /api/state'

/**
 * The request handler of the metrics endpoint: `/metrics` Prometheus text (unchanged), `/` the
 * live page and its two static files, and the JSON the page reads. Every reply says
 * `cache-control: no-store`; pages get a content security policy allowing only this server's
 * own script and style, so even a string that slipped into markup could not run or load anything.
 *
 * @example
 * createServer(metricsRoutes({ pipelineId: 'clicks', registry, sample, events, plan, state: undefined }))
 */
export function metricsRoutes(sources: RouteSources): (req: IncomingMessage, res: ServerResponse) => void {
  const assets = livePageAssets()
  const json = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
      .end(JSON.stringify(value, (_key, v: unknown) => typeof v === 'bigint' ? v.toString() : v)) // as the CLI's --json writes them
  }
  const failed = (res: ServerResponse, what: string) => (e: unknown): void => {
    if (!res.headersSent) json(res, 500, { error: `${what} failed: ${(e as Error).message}` })
  }
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }).end(`oxiflow serves ${ROUTES}\n`)
      return
    }
    const asset = assets.get(path)
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'" }).end(asset.body)
      return
    }
    switch (path) {
      case '/metrics':
        registry(sources, res)
        return
      case '/api/plan':
        if (sources.plan) json(res, 200, sources.plan)
        else json(res, 404, { error: `no plan was given for pipeline '${sources.pipelineId}'; /api/layout draws its steps from the metrics` })
        return
      case '/api/layout':
        json(res, 200, planLayout(sources.plan ?? planOfSteps(sources.pipelineId, sources.sample())))
        return
      case '/api/metrics': {
        const m = sources.sample()
        if (m) json(res, 200, m)
        else json(res, 503, { error: 'the job has not started yet' })
        return
      }
      case '/favicon.ico':
        res.writeHead(204).end() // no icon, and no 404 in the browser's console for it
        return
      case '/api/events':
        sources.events.add(res)
        return
      case '/api/state':
        if (!sources.state) {
          json(res, 404, { store: false, error: `pipeline '${sources.pipelineId}' runs without a store: it keeps no run record (give --store or --checkpoint-interval)` })
          return
        }
        sources.state().then((view) => {
          if (view === undefined) json(res, 404, { store: true, error: `the store has no run record of pipeline '${sources.pipelineId}' yet` })
          else json(res, 200, view)
        }, failed(res, 'reading the state'))
        return
      default:
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: oxiflow serves ${ROUTES}\n`)
    }
  }
}

function registry(sources: RouteSources, res: ServerResponse): void {
  sources.registry.metrics().then(
    (text) => { res.writeHead(200, { 'content-type': sources.registry.contentType }).end(text) },
    (e: unknown) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`) })
}
