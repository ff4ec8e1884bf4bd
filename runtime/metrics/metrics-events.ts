import type { ServerResponse } from 'node:http'
import type { JobMetrics, JobStatus } from '../contracts/job.ts'

/** Statuses after which a job's figures no longer change. */
const ENDED: ReadonlySet<JobStatus> = new Set(['completed', 'stopped', 'failed'])

/** Bytes a connection may have waiting to be sent before its next frames are skipped. */
const MAX_UNSENT_BYTES = 1 << 20

/** The live page's stream of metrics frames (server-sent events), shared by every open connection. */
export interface MetricsEvents {
  /** Takes an SSE request's response: frames follow until the job ends or `close()`. */
  add(res: ServerResponse): void
  /** Connections open now. */
  readonly clients: number
  /** Ends every open stream (after the end frame, when the job has ended) and stops the timer. */
  close(): void
}

/**
 * Server-sent events of a job's metrics: `event: metrics` with one JobMetrics sample as JSON at
 * once and then every `intervalMs`, and a last `event: end` frame when the job has ended, after
 * which the stream closes (a late connection gets the end frame and closes at once). One timer and
 * one sample per tick for all connections: a page more does not read the job more often, and
 * the timer runs only while someone listens.
 *
 * @example
 * const events = metricsEvents(() => job.metrics()); events.add(res) // res of GET /api/events
 */
export function metricsEvents(sample: () => JobMetrics | undefined, intervalMs = 500): MetricsEvents {
  const open = new Set<ServerResponse>()
  let timer: NodeJS.Timeout | undefined
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }
  const end = (): void => {
    for (const res of open) res.end()
    open.clear()
    stop()
  }
  // JSON.stringify never writes a raw line break, so one `data:` line holds a frame whatever the strings in it.
  const frame = (m: JobMetrics | undefined): string => m === undefined ? ': waiting for the job to start\n\n'
    : `event: ${ENDED.has(m.status) ? 'end' : 'metrics'}\ndata: ${JSON.stringify(m)}\n\n`
  const tick = (): void => {
    const m = sample()
    const text = frame(m)
    // A reader that does not keep up (a stalled tab, a paused curl) skips frames rather than have
    // them pile up here: each frame is a whole sample, so the next one it reads is current.
    for (const res of open) if (res.writableLength < MAX_UNSENT_BYTES) res.write(text)
    if (m !== undefined && ENDED.has(m.status)) end()
  }
  return {
    add(res) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' })
      // Reconnect after 2 s when the stream breaks (the browser's EventSource does it by itself).
      res.write('retry: 2000\n\n')
      open.add(res)
      res.on('close', () => {
        open.delete(res)
        if (open.size === 0) stop()
      })
      const m = sample()
      res.write(frame(m))
      if (m !== undefined && ENDED.has(m.status)) {
        open.delete(res)
        res.end()
        return
      }
      if (timer === undefined) {
        timer = setInterval(tick, intervalMs)
        timer.unref() // the server keeps the process up while it listens; the timer alone must not
      }
    },
    get clients() { return open.size },
    close() {
      // The job may have ended since the last tick: the CLI closes the server as soon as it did,
      // and a page that got no end frame showed 'running, reconnecting…' for good.
      const m = sample()
      if (m !== undefined && ENDED.has(m.status)) for (const res of open) res.write(frame(m))
      end()
    },
  }
}
