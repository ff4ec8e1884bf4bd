/**
 * The live page's script, part 3: where the figures come from. It draws `/api/layout`, then
 * listens to `/api/events` (server-sent events, a frame every ~500 ms, `end` when the job
 * ended); when EventSource is missing or its first connection fails it polls `/api/metrics`
 * every second instead. The run record (`/api/state`) is read every second while the job runs,
 * once more at its end. A step the graph lacks (a page served without a plan, drawn before
 * the first sample) makes it fetch the layout again.
 *
 * @example
 * const js = GRAPH_SCRIPT + PANELS_SCRIPT + LIVE_SCRIPT
 */
export const LIVE_SCRIPT = String.raw`
const ENDED = ['completed', 'stopped', 'failed']

async function getJson (path) {
  const res = await fetch(path, { cache: 'no-store' })
  const body = await res.json()
  if (!res.ok) throw Object.assign(new Error(body.error || path + ': HTTP ' + res.status), { status: res.status, body })
  return body
}
function link (text) { setField(byId('link'), text) }

async function loadLayout () {
  oxi.relayout = false
  try {
    oxi.layout = await getJson('/api/layout')
    drawGraph(oxi.layout)
    if (oxi.last) showSteps(oxi.last)
  } catch (e) { link('graph: ' + e.message) }
}

function onMetrics (m) {
  oxi.last = m
  showStatus(m)
  showSteps(m)
  showCheckpoints(m)
  showRestarts(m)
  showLease(m)
  showErrors(m)
  if (oxi.relayout) void loadLayout()
}

function finish (m) {
  if (oxi.ended) return
  oxi.ended = true
  link('job ' + m.status + ': the figures are its last')
  void readState()
}

function listen () {
  if (typeof EventSource !== 'function') return poll()
  const events = new EventSource('/api/events')
  let opened = false
  events.addEventListener('metrics', (e) => { opened = true; link('live'); onMetrics(JSON.parse(e.data)) })
  events.addEventListener('end', (e) => { events.close(); const m = JSON.parse(e.data); onMetrics(m); finish(m) })
  events.onerror = () => {
    if (oxi.ended) return events.close()
    if (!opened) { events.close(); poll() } else link('reconnecting…')
  }
}

function poll () {
  link('polling')
  const tick = async () => {
    if (oxi.ended) return
    try {
      const m = await getJson('/api/metrics')
      onMetrics(m)
      if (ENDED.includes(m.status)) return finish(m)
      link('polling')
    } catch (e) { link('no answer: ' + e.message) }
    setTimeout(tick, 1000)
  }
  void tick()
}

async function readState () {
  try {
    oxi.state = await getJson('/api/state')
    showRun(oxi.state)
    showLease(oxi.last)
    if (!oxi.last || !Array.isArray(oxi.last.errors)) showErrors(oxi.last)
    return true
  } catch (e) {
    setField(byId('run-note'), e.message)
    return !(e.body && e.body.store === false)
  }
}

async function followState () {
  if (!(await readState()) || oxi.ended) return
  setTimeout(followState, 1000)
}

void loadLayout().then(() => { listen(); void followState() })
`
