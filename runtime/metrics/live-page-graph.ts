/**
 * The live page's script, part 1: helpers and the plan graph. Plain browser JavaScript, served
 * as written (a string, not compiled from TypeScript: the bundler's keepNames would wrap
 * functions in a helper the browser lacks). Every string from the job goes in with textContent
 * or setAttribute, never as markup. Draws a PlanLayout (`/api/layout`): actors as boxes at
 * their place, their steps as rows carrying `data-step="<name>"` and fields
 * `data-field="rate|in|out|busy|backpressure|queue|failed|progress-text"`, edges as SVG curves
 * labelled by partitioning. `showSteps(metrics)` writes a sample's figures into the rows.
 *
 * @example
 * const js = GRAPH_SCRIPT + PANELS_SCRIPT + LIVE_SCRIPT
 */
export const GRAPH_SCRIPT = String.raw`'use strict'
const oxi = { layout: null, rows: new Map(), last: null, state: null, seen: new Map(), ended: false, relayout: false }
const SVG = 'http://www.w3.org/2000/svg'

function el (tag, attrs, text) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v))
  if (text !== undefined && text !== null) e.textContent = String(text)
  return e
}
function svgEl (tag, attrs, text) {
  const e = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v))
  if (text !== undefined) e.textContent = String(text)
  return e
}
function byId (id) { return document.getElementById(id) }
function isNum (n) { return typeof n === 'number' && Number.isFinite(n) }
function setField (node, text, value) {
  if (node.textContent !== text) node.textContent = text
  if (value !== undefined) node.setAttribute('data-value', String(value))
}
const fmt = {
  int: (n) => isNum(n) ? Math.round(n).toLocaleString('en-US') : '–',
  rate: (n) => !isNum(n) ? '–' : (n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)) + '/s',
  ms: (n) => !isNum(n) ? '–' : n < 1000 ? Math.round(n) + ' ms' : n < 120000 ? (n / 1000).toFixed(1) + ' s' : Math.round(n / 60000) + ' min',
  pct: (n) => isNum(n) ? Math.round(n) + '%' : '–',
  bytes: (n) => {
    if (!isNum(n)) return '–'
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
    let i = 0
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
    return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i]
  },
  time: (t) => isNum(t) ? new Date(t).toLocaleTimeString('en-GB') : '–'
}

const FIGURES = [
  ['rate', 'records in per second'], ['busy', 'share of time the actor was handling messages'],
  ['backpressure', 'time spent waiting for downstream credit'], ['queue', 'messages delivered, not yet handled'],
  ['failed', 'records skipped or dead-lettered']
]

// An edge between neighbouring columns is one curve through the gap between them; one with a
// lane (it skips a column) goes up into its lane in the gap after its sender's column, along
// the lane above every box, and down in the gap before its receiver's.
function edgePath (e, sizes) {
  if (!isNum(e.lane)) {
    const dx = Math.max(30, (e.x2 - e.x1) / 2)
    return 'M' + e.x1 + ',' + e.y1 + ' C' + (e.x1 + dx) + ',' + e.y1 + ' ' + (e.x2 - dx) + ',' + e.y2 + ' ' + e.x2 + ',' + e.y2
  }
  const half = sizes.columnGap / 2
  const r = Math.min(20, half - 4)
  const xa = e.x1 + half
  const xb = e.x2 - half
  return 'M' + e.x1 + ',' + e.y1 + ' C' + xa + ',' + e.y1 + ' ' + xa + ',' + e.lane + ' ' + (xa + r) + ',' + e.lane +
    ' L' + (xb - r) + ',' + e.lane + ' C' + xb + ',' + e.lane + ' ' + xb + ',' + e.y2 + ' ' + e.x2 + ',' + e.y2
}
function drawGraph (layout) {
  const graph = byId('graph')
  graph.replaceChildren()
  graph.style.width = layout.width + 'px'
  graph.style.height = layout.height + 'px'
  const lines = svgEl('svg', { class: 'edges', width: layout.width, height: layout.height })
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' })
  marker.append(svgEl('path', { d: 'M0,0 L8,4 L0,8 z', fill: '#8a93a6' }))
  const defs = svgEl('defs')
  defs.append(marker)
  lines.append(defs)
  for (const e of layout.edges) {
    const cls = 'edge' + (e.crossesThreads ? ' cross' : '') + (e.side ? ' side' : '')
    const path = svgEl('path', { class: cls, 'marker-end': 'url(#arrow)', 'data-edge': e.from + ' -> ' + e.to, d: edgePath(e, layout.sizes) })
    path.append(svgEl('title', {}, e.from + ' → ' + e.to + ': ' + e.partitioning + (e.crossesThreads ? ', crosses threads' : '') + (e.side ? ', side output' : '')))
    const at = isNum(e.lane) ? { x: (e.x1 + e.x2) / 2, y: e.lane - 3 } : { x: (e.x1 + e.x2) / 2, y: (e.y1 + e.y2) / 2 - 4 }
    const label = svgEl('text', { class: 'edge-label' + (e.crossesThreads ? ' cross' : ''), x: at.x, y: at.y, 'text-anchor': 'middle' },
      e.partitioning + (e.crossesThreads ? ' ⇄' : ''))
    lines.append(path, label)
  }
  graph.append(lines)
  oxi.rows = new Map()
  for (const a of layout.actors) {
    const box = el('div', { class: 'actor', 'data-actor': a.id })
    Object.assign(box.style, { left: a.x + 'px', top: a.y + 'px', width: a.width + 'px', height: a.height + 'px' })
    box.append(el('div', { class: 'actor-head', title: a.hosts }, 'actor ' + a.id + ' · ×' + a.parallelism + ' · ' + a.hosts))
    for (const st of a.steps) {
      const row = el('div', { class: 'step', 'data-step': st.name })
      const title = el('div', { class: 'step-title' })
      title.append(el('span', { class: 'step-name', 'data-field': 'name' }, st.name),
        el('span', { class: 'step-kind', title: st.detail || st.kind }, st.kind + (st.keyed ? ' · keyed' : '')))
      const fields = {}
      fields['progress-text'] = el('span', { 'data-field': 'progress-text' })
      title.append(fields['progress-text'])
      const figures = el('div', { class: 'figures' })
      for (const [name, help] of FIGURES) figures.append(fields[name] = el('span', { 'data-field': name, title: help }, '–'))
      const counts = el('div', { class: 'counts' })
      counts.append(fields.in = el('span', { 'data-field': 'in', title: 'records in' }, '–'), fields.out = el('span', { 'data-field': 'out', title: 'records out' }, '–'))
      const bar = el('div', { class: 'progress', hidden: '' })
      const fill = el('div', { class: 'fill' })
      bar.append(fill)
      row.append(title, figures, counts, bar)
      box.append(row)
      oxi.rows.set(st.name, { row, fields, bar, fill })
    }
    graph.append(box)
  }
}

function showSteps (m) {
  for (const [name, s] of Object.entries(m.steps || {})) {
    const r = oxi.rows.get(name)
    if (!r) { oxi.relayout = true; continue }
    const f = r.fields
    setField(f.rate, fmt.rate(s.ratePerSec), s.ratePerSec)
    setField(f.busy, 'busy ' + fmt.pct(s.busyPercent), s.busyPercent)
    setField(f.backpressure, 'bp ' + fmt.ms(s.backpressureMs), s.backpressureMs)
    setField(f.queue, 'q ' + fmt.int(s.queueDepth), s.queueDepth)
    setField(f.failed, fmt.int(s.failed) + ' failed', s.failed)
    setField(f.in, 'in ' + fmt.int(s.recordsIn), s.recordsIn)
    setField(f.out, 'out ' + fmt.int(s.recordsOut), s.recordsOut)
    r.row.classList.toggle('failing', s.failed > 0)
    r.row.classList.toggle('busy', s.busyPercent >= 80)
    const p = s.progress
    r.bar.hidden = !p
    if (p) {
      r.fill.style.width = Math.max(0, Math.min(100, p.fraction * 100)) + '%'
      setField(f['progress-text'], fmt.pct(p.fraction * 100) + (isNum(p.etaMs) ? ' · ' + fmt.ms(p.etaMs) + ' left' : ''), p.fraction)
    } else setField(f['progress-text'], '')
  }
}
`
