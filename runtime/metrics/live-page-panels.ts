/**
 * The live page's script, part 2: the panels beside the graph — job status, the checkpoint
 * timeline, restarts with causes, the lease, the newest errors and the run record. Like part 1,
 * plain browser JavaScript writing every string with textContent. Newer metrics fields
 * (`checkpoints.recent`, `errors`) are read when present; without them the timeline is built
 * from the `last` checkpoint of each frame and the errors come from the run record.
 *
 * @example
 * const js = GRAPH_SCRIPT + PANELS_SCRIPT + LIVE_SCRIPT
 */
export const PANELS_SCRIPT = String.raw`
function showStatus (m) {
  setField(byId('pipeline'), m.pipelineId || '')
  const status = byId('status')
  setField(status, m.status)
  status.setAttribute('data-status', m.status)
  setField(byId('elapsed'), fmt.ms(m.elapsedMs), m.elapsedMs)
  document.title = 'oxiflow · ' + m.pipelineId + ' · ' + m.status
  const stall = byId('stall')
  stall.hidden = !(m.stall && m.stall.active)
  if (!stall.hidden) setField(stall, m.stall.message)
  const restore = byId('restore')
  restore.hidden = !m.restore
  if (m.restore) setField(restore, m.restore.message)
}

function checkpointList (c) {
  if (Array.isArray(c.recent)) return c.recent.slice()
  // Before metrics carried the recent checkpoints: keep each new 'last' the frames show.
  if (c.last && !oxi.seen.has(c.last.id)) oxi.seen.set(c.last.id, Object.assign({ status: 'completed', at: Date.now() }, c.last))
  return [...oxi.seen.values()]
}

function showCheckpoints (m) {
  const c = m.checkpoints
  if (!c) return
  setField(byId('checkpoint-counts'), c.completed + ' completed · ' + c.failed + ' failed · ' + c.abandoned + ' abandoned' +
    (c.lastError ? ' · last error: ' + c.lastError : ''))
  const list = checkpointList(c).slice(-30).reverse()
  const longest = Math.max(1, ...list.map((k) => isNum(k.durationMs) ? k.durationMs : 0))
  byId('checkpoint-list').replaceChildren(...list.map((k) => {
    const li = el('li', { class: k.status, 'data-checkpoint': k.id, 'data-status': k.status })
    const bar = el('div', { class: 'bar', title: 'duration, alignment darker' })
    const total = el('div', { class: 'total' })
    total.style.width = (100 * (k.durationMs || 0) / longest) + '%'
    const align = el('div', { class: 'align' })
    align.style.width = (k.durationMs ? Math.min(100, 100 * (k.alignmentMs || 0) / k.durationMs) : 0) + '%'
    total.append(align)
    bar.append(total)
    li.append(el('span', { 'data-field': 'id' }, '#' + k.id), el('span', { 'data-field': 'at' }, fmt.time(k.at)), bar,
      el('span', { 'data-field': 'duration', 'data-value': k.durationMs }, fmt.ms(k.durationMs)),
      el('span', { 'data-field': 'alignment', 'data-value': k.alignmentMs, title: 'barrier alignment' }, 'align ' + fmt.ms(k.alignmentMs)),
      el('span', { 'data-field': 'size', 'data-value': k.bytes }, fmt.bytes(k.bytes)),
      el('span', { 'data-field': 'type' }, k.status !== 'completed' ? k.status : k.incremental === true ? 'incremental' : k.incremental === false ? 'full' : ''))
    if (k.error) li.append(el('span', { class: 'error', 'data-field': 'error' }, k.error))
    return li
  }))
}

function showRestarts (m) {
  const r = m.restarts
  if (!r) return
  setField(byId('restart-counts'), r.attempts + ' of ' + r.allowed + ' allowed')
  byId('restart-list').replaceChildren(...r.causes.slice().reverse().map((c) => {
    const li = el('li', { 'data-restart': c.attempt })
    li.append(el('span', {}, '#' + c.attempt + ' at ' + fmt.time(c.at) + ' — '), el('span', { class: 'code' }, c.cause.code || c.cause.name),
      el('span', {}, ' ' + c.cause.message + ' → ' + (isNum(c.restoredFrom) ? 'restored checkpoint ' + c.restoredFrom : 'started fresh')))
    return li
  }))
}

function fields (dl, pairs) {
  dl.replaceChildren()
  for (const [key, label, value, shown] of pairs) {
    if (value === undefined) continue
    dl.append(el('dt', {}, label), el('dd', { 'data-run': key, 'data-value': JSON.stringify(value) }, shown !== undefined ? shown : String(value)))
  }
}

function showLease (m) {
  const live = m && m.lease
  const stored = oxi.state && oxi.state.lease
  if (!live && !stored) return
  fields(byId('lease-fields'), [
    ['lease.name', 'name', (live || stored).name], ['lease.state', 'state', live ? live.state : undefined],
    ['lease.token', 'token', (live || stored).token], ['lease.runner', 'runner', (live || stored).runner],
    ['lease.host', 'host, pid', stored ? stored.host + ', ' + stored.pid : undefined],
    ['lease.expiresAt', 'expires', stored ? stored.expiresAt : undefined, stored ? fmt.time(stored.expiresAt) : undefined],
    ['lease.stale', 'stale', stored ? stored.stale : undefined]])
}

function showErrors (m) {
  const run = oxi.state && oxi.state.run
  const errors = (m && Array.isArray(m.errors)) ? m.errors : run ? run.errors : []
  const dropped = (m && isNum(m.errorsDropped)) ? m.errorsDropped : run ? run.errorsDropped : 0
  setField(byId('errors-dropped'), errors.length === 0 ? 'none' : errors.length + ' kept' + (dropped ? ', ' + dropped + ' older dropped' : ''))
  byId('error-list').replaceChildren(...errors.slice().reverse().map((e) => {
    const li = el('li', { 'data-error-step': e.step })
    li.append(el('span', {}, fmt.time(e.time) + ' ' + (e.step ? e.step + ' ' : '')), el('span', { class: 'code' }, e.code),
      el('span', { 'data-field': 'message' }, ' ' + e.message + (e.offset ? ' (at ' + e.offset + ')' : '') + (e.retryable ? ' — retryable' : '')))
    return li
  }))
}

function showRun (view) {
  const r = view.run
  const last = r && r.lastCheckpoint
  fields(byId('run-fields'), [
    ['status', 'status', r ? r.status : null], ['runId', 'run id', r ? r.runId : null],
    ['recordsProcessed', 'records processed', r ? r.recordsProcessed : null], ['recordsFailed', 'records failed', r ? r.recordsFailed : null],
    ['lastProcessedId', 'last processed id', r ? r.lastProcessedId : null], ['batchNumber', 'batches', r ? r.batchNumber : null],
    ['bytesProcessed', 'bytes processed', r ? r.bytesProcessed : null], ['retryCount', 'retries', r ? r.retryCount : null],
    ['errorsDropped', 'errors dropped', r ? r.errorsDropped : null], ['lastHeartbeat', 'written at', r ? r.lastHeartbeat : null, r ? fmt.time(r.lastHeartbeat) : undefined],
    ['lastCheckpoint.id', 'last checkpoint', last ? last.id : null], ['lastCheckpoint.bytes', 'its bytes', last ? last.bytes : null],
    ['lastCheckpoint.durationMs', 'its duration (ms)', last ? last.durationMs : null],
    ['checkpoints.count', 'checkpoints stored', view.checkpoints.count], ['checkpoints.latest.id', 'newest stored', view.checkpoints.latest ? view.checkpoints.latest.id : null]])
  const table = byId('run-steps')
  const head = el('tr')
  for (const h of ['step', 'status', 'in', 'out', 'failed', 'processing ms', 'worker']) head.append(el('th', {}, h))
  table.replaceChildren(head, ...Object.entries(r ? r.steps : {}).map(([name, s]) => {
    const tr = el('tr', { 'data-run-step': name })
    for (const [key, v] of [['name', name], ['status', s.status], ['recordsIn', s.recordsIn], ['recordsOut', s.recordsOut],
      ['failed', s.failed], ['processingMs', s.processingMs], ['worker', s.worker]]) tr.append(el('td', { 'data-field': key }, String(v)))
    return tr
  }))
}
`
