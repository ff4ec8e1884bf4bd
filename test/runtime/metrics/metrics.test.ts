import test from 'ava'
import { createServer } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetricsServerError, pipeline, serveMetrics, sinks, sources, stores, type JobMetrics } from '../../../index.ts'

/** Prometheus text → { 'name{labels}': value }. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

function job(store: ReturnType<typeof stores.file>) {
  return pipeline('scraped')
    .source('gen', sources.generator({ seed: 2, count: 300_000, keys: 5, rate: 50_000 }))
    .filter('some', (r) => r.value % 3 !== 0)
    .sink('out', sinks.collect())
    .run({ store, checkpointInterval: 100 })
}

test('the metrics endpoint serves Prometheus text during a run and the final figures after it', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-metrics-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const running = job(stores.file(join(dir, 'store')))
  const server = await serveMetrics('scraped', () => running.metrics(), { port: 0 })
  t.teardown(() => server.close())
  t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
  // Scrape until records flowed and a checkpoint committed (bounded; the job runs ~6 s).
  let during = new Map<string, number>()
  for (let i = 0; i < 300; i++) {
    const res = await fetch(server.url)
    t.is(res.status, 200)
    t.regex(res.headers.get('content-type') ?? '', /^text\/plain/)
    during = parse(await res.text())
    if ((during.get('oxiflow_step_records_in_total{step="some",pipeline="scraped"}') ?? 0) > 0 &&
      (during.get('oxiflow_checkpoints_completed_total{pipeline="scraped"}') ?? 0) > 0) break
    await new Promise((r) => setTimeout(r, 20))
  }
  t.is(during.get('oxiflow_job_running{pipeline="scraped"}'), 1)
  t.true(during.get('oxiflow_step_records_in_total{step="some",pipeline="scraped"}')! > 0)
  t.true(during.get('oxiflow_checkpoint_last_size_bytes{pipeline="scraped"}')! > 0)
  const alignment = during.get('oxiflow_checkpoint_last_alignment_seconds{pipeline="scraped"}')!
  t.true(alignment >= 0 && alignment <= during.get('oxiflow_checkpoint_last_duration_seconds{pipeline="scraped"}')!)
  t.is(during.get('oxiflow_lease_held{pipeline="scraped"}'), 1)
  for (const name of ['oxiflow_step_queue_depth', 'oxiflow_step_backpressure_seconds_total', 'oxiflow_step_rate_records_per_second']) {
    t.true(during.has(`${name}{step="gen",pipeline="scraped"}`), name)
  }
  const summary = await running.stop()
  const after = parse(await (await fetch(server.url)).text())
  t.is(after.get('oxiflow_job_running{pipeline="scraped"}'), 0)
  for (const [step, s] of Object.entries(summary.steps)) {
    t.is(after.get(`oxiflow_step_records_in_total{step="${step}",pipeline="scraped"}`), s.recordsIn, step)
    t.is(after.get(`oxiflow_step_records_out_total{step="${step}",pipeline="scraped"}`), s.recordsOut, step)
  }
  t.is(after.get('oxiflow_checkpoints_completed_total{pipeline="scraped"}'), summary.checkpoints!.completed)
  t.is(after.get('oxiflow_lease_held{pipeline="scraped"}'), 0)
  t.is(after.get('oxiflow_lease_token{pipeline="scraped"}'), (running.metrics() as JobMetrics).lease!.token)
  const text = await (await fetch(server.url)).text()
  t.false(text.includes(dir), 'nothing about the store is exposed')
  // Every *_total is a counter (Prometheus' naming: rate() reads it as one), every other figure a gauge.
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) t.is(type, name!.endsWith('_total') ? 'counter' : 'gauge', name)
  t.is((await fetch(server.url.replace('/metrics', '/other'))).status, 404)
})

test('a port in use is a MetricsServerError naming the address and the fix', async (t) => {
  const blocker = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
  t.teardown(() => new Promise<void>((r) => blocker.close(() => r())))
  const port = (blocker.address() as { port: number }).port
  const e = await t.throwsAsync(serveMetrics('p', () => undefined, { port }), { instanceOf: MetricsServerError })
  t.true(e!.message.startsWith(`cannot serve metrics on 127.0.0.1:${port}: listen EADDRINUSE`), e!.message)
  t.true(e!.message.endsWith('— choose another --metrics-port (0 picks a free one) or --metrics-host'))
})

test('two servers keep their own registries: each shows only its job', async (t) => {
  const a = await serveMetrics('a', () => ({ pipelineId: 'a', status: 'running', elapsedMs: 5, steps: {} }), { port: 0 })
  const b = await serveMetrics('b', () => ({ pipelineId: 'b', status: 'completed', elapsedMs: 7, steps: {} }), { port: 0 })
  t.teardown(async () => { await a.close(); await b.close() })
  const ta = parse(await (await fetch(a.url)).text())
  const tb = parse(await (await fetch(b.url)).text())
  t.is(ta.get('oxiflow_job_running{pipeline="a"}'), 1)
  t.is(tb.get('oxiflow_job_running{pipeline="b"}'), 0)
  t.false([...ta.keys()].some((k) => k.includes('pipeline="b"')))
  t.is(tb.get('oxiflow_job_elapsed_seconds{pipeline="b"}'), 0.007)
})
