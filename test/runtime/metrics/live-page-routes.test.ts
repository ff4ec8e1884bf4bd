import test from 'ava'
import { request } from 'node:http'
import { serveMetrics, type JobMetrics, type JobStatus } from '../../../index.ts'
import { livePageAssets } from '../../../runtime/metrics/live-page.ts'
import { PLAN_20_STEPS } from '../../fixtures/metrics/plans.ts'

const step = { kind: 'map', parallelism: 1, recordsIn: 10, recordsOut: 10, failed: 0, ratePerSec: 5, busyPercent: 1, backpressureMs: 0, queueDepth: 0,
  alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 } }
const sampleOf = (status: JobStatus, elapsedMs: number): JobMetrics => ({ pipelineId: 'wide', status, elapsedMs, steps: { gen: step, out: step } })

/** Reads an event stream until `until` says stop or `ms` passed; the frames as [event, data]. */
function readEvents(url: string, ms: number, until: (frames: Array<[string, string]>) => boolean = () => false):
Promise<{ frames: Array<[string, string]>; ended: boolean; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const frames: Array<[string, string]> = []
    let text = ''
    const req = request(url, (res) => {
      const timer = setTimeout(() => { req.destroy(); resolve({ frames, ended: false, type: res.headers['content-type'] }) }, ms)
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
        let at: number
        while ((at = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, at)
          text = text.slice(at + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event !== undefined && data !== undefined) frames.push([event, data])
        }
        if (until(frames)) { clearTimeout(timer); req.destroy(); resolve({ frames, ended: false, type: res.headers['content-type'] }) }
      })
      res.on('end', () => { clearTimeout(timer); resolve({ frames, ended: true, type: res.headers['content-type'] }) })
    })
    req.on('error', reject)
    req.end()
  })
}

test('the page, its script and style are served from oxiflow with a same-origin content security policy', async (t) => {
  const server = await serveMetrics('wide', () => sampleOf('running', 1), { port: 0, plan: PLAN_20_STEPS })
  t.teardown(() => server.close())
  t.regex(server.pageUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/)
  for (const [path, type] of [['/', 'text/html'], ['/page.js', 'text/javascript'], ['/page.css', 'text/css']] as const) {
    const res = await fetch(new URL(path, server.pageUrl))
    t.is(res.status, 200, path)
    t.true(res.headers.get('content-type')!.startsWith(type), path)
    t.regex(res.headers.get('content-security-policy') ?? '', /default-src 'self'/, path)
    const body = await res.text()
    // Nothing fetched from elsewhere: no absolute URL in what the page is made of.
    t.false(/(?:src|href)=["']?(?:https?:)?\/\//i.test(body) || /url\(\s*["']?(?:https?:)?\/\//i.test(body) || /fetch\(\s*["']https?:/i.test(body), path)
  }
  const html = await (await fetch(server.pageUrl)).text()
  t.true(html.includes('<script src="/page.js" defer></script>'))
})

test('the page script is valid JavaScript that never parses strings as markup', (t) => {
  const script = livePageAssets().get('/page.js')!.body
  t.notThrows(() => new Function(script), 'the script parses') // eslint-disable-line no-new-func
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(']) t.false(script.includes(sink), sink)
})

test('/metrics is unchanged Prometheus text; unknown paths are 404 and other methods 405, naming the routes', async (t) => {
  const server = await serveMetrics('wide', () => sampleOf('running', 2500), { port: 0 })
  t.teardown(() => server.close())
  const res = await fetch(server.url)
  t.is(res.status, 200)
  t.regex(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/)
  const text = await res.text()
  t.true(text.includes('oxiflow_job_running{pipeline="wide"} 1'), text)
  t.true(text.includes('oxiflow_job_elapsed_seconds{pipeline="wide"} 2.5'), text)
  t.true(text.includes('oxiflow_step_records_in_total{step="gen",pipeline="wide"} 10'), text)
  const missing = await fetch(new URL('/nope', server.pageUrl))
  t.is(missing.status, 404)
  t.true((await missing.text()).includes('GET / (the live page), /metrics (Prometheus)'))
  const post = await fetch(server.url, { method: 'POST' })
  t.is(post.status, 405)
  t.is(post.headers.get('allow'), 'GET')
})

test('/api/plan, /api/layout, /api/metrics and /api/state answer JSON, 404 or 503 as there is something to say', async (t) => {
  let m: JobMetrics | undefined
  const view = { pipelineId: 'wide', run: null, checkpoints: { count: 0, latest: null }, lease: null }
  let state: unknown
  const withAll = await serveMetrics('wide', () => m, { port: 0, plan: PLAN_20_STEPS, state: async () => state })
  const bare = await serveMetrics('bare', () => sampleOf('running', 1), { port: 0 })
  t.teardown(async () => { await withAll.close(); await bare.close() })
  const get = async (server: { pageUrl: string }, path: string) => {
    const res = await fetch(new URL(path, server.pageUrl))
    t.true(res.headers.get('content-type')!.startsWith('application/json'), path)
    return { status: res.status, body: await res.json() as Record<string, unknown> }
  }
  t.deepEqual(await get(withAll, '/api/plan'), { status: 200, body: JSON.parse(JSON.stringify(PLAN_20_STEPS)) })
  t.is((await get(withAll, '/api/layout')).body.pipelineId, 'wide')
  t.deepEqual(await get(withAll, '/api/metrics'), { status: 503, body: { error: 'the job has not started yet' } })
  m = sampleOf('running', 7)
  t.deepEqual(await get(withAll, '/api/metrics'), { status: 200, body: JSON.parse(JSON.stringify(m)) })
  t.deepEqual(await get(withAll, '/api/state'), { status: 404, body: { store: true, error: "the store has no run record of pipeline 'wide' yet" } })
  state = view
  t.deepEqual(await get(withAll, '/api/state'), { status: 200, body: view })
  const noPlan = await get(bare, '/api/plan')
  t.is(noPlan.status, 404)
  // Without a plan the layout has the sample's steps.
  t.deepEqual(((await get(bare, '/api/layout')).body.actors as Array<{ steps: Array<{ name: string }> }>).map((a) => a.steps[0]!.name), ['gen', 'out'])
  const noStore = await get(bare, '/api/state')
  t.is(noStore.status, 404)
  t.is(noStore.body.store, false)
})

test('/api/events sends a metrics frame at once and every interval, then an end frame when the job ended, and closes', async (t) => {
  t.timeout(10_000)
  let status: JobStatus = 'running'
  let elapsed = 0
  const server = await serveMetrics('wide', () => sampleOf(status, elapsed += 10), { port: 0, eventIntervalMs: 50 })
  t.teardown(() => server.close())
  const url = new URL('/api/events', server.pageUrl).href
  const live = await readEvents(url, 5000, (frames) => frames.length >= 3)
  t.regex(live.type!, /^text\/event-stream/)
  t.deepEqual(live.frames.map(([event]) => event), ['metrics', 'metrics', 'metrics'])
  const times = live.frames.map(([, data]) => (JSON.parse(data) as JobMetrics).elapsedMs)
  t.true(times[0]! < times[1]! && times[1]! < times[2]!, `each frame is a fresh sample: ${times.join(', ')}`)
  setTimeout(() => { status = 'completed' }, 120)
  const ending = await readEvents(url, 5000)
  t.true(ending.ended, 'the server ends the stream once the job ended')
  t.is(ending.frames.at(-1)![0], 'end')
  t.is((JSON.parse(ending.frames.at(-1)![1]) as JobMetrics).status, 'completed')
  // A page opened after the end gets the end frame alone.
  const late = await readEvents(url, 5000)
  t.true(late.ended)
  t.deepEqual(late.frames.map(([event]) => event), ['end'])
})

test('close() does not wait for an open event stream: the stream ends and close resolves', async (t) => {
  t.timeout(10_000)
  const server = await serveMetrics('wide', () => sampleOf('running', 1), { port: 0, eventIntervalMs: 50 })
  const reading = readEvents(new URL('/api/events', server.pageUrl).href, 5000)
  await new Promise((r) => setTimeout(r, 200))
  const started = Date.now()
  await server.close()
  t.true(Date.now() - started < 1000, `close took ${Date.now() - started} ms`)
  const { frames, ended } = await reading
  t.true(ended, 'the stream ended, not the 5 s bound')
  t.true(frames.length >= 1)
})

test('close() right after the job ended, before a tick saw it, still sends the end frame first', async (t) => {
  t.timeout(10_000)
  // How `oxiflow run --metrics-port` closes: at once when the job is done. An interval longer than
  // the test keeps the tick from seeing the end.
  let status: JobStatus = 'running'
  const server = await serveMetrics('wide', () => sampleOf(status, 1), { port: 0, eventIntervalMs: 60_000 })
  const reading = readEvents(new URL('/api/events', server.pageUrl).href, 5000)
  await new Promise((r) => setTimeout(r, 200))
  status = 'stopped'
  await server.close()
  const { frames, ended } = await reading
  t.true(ended)
  t.deepEqual(frames.map(([event]) => event), ['metrics', 'end'])
  t.is((JSON.parse(frames.at(-1)![1]) as JobMetrics).status, 'stopped')
})
