import { GRAPH_SIZES } from './plan-layout.ts'

const s = GRAPH_SIZES

/**
 * The live page's stylesheet. Box and row heights are the layout's (GRAPH_SIZES), set here and
 * nowhere else, so what planLayout placed is what the browser draws: boxes do not overlap.
 *
 * @example
 * res.end(PAGE_CSS)
 */
export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #687086; --line: #c9cfdb; --bg: #f6f7fa; --box: #fff; --accent: #2b6cb0; --bad: #c53030; --warn: #b7791f; --good: #2f855a; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.35 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: baseline; padding: 10px 16px; background: #1d2330; color: #fff; }
header h1 { font-size: 16px; margin: 0; }
#status[data-status=running] { color: #9ae6b4; } #status[data-status=failed] { color: #feb2b2; } #status[data-status=restarting] { color: #fbd38d; }
#link { margin-left: auto; color: #cbd5e0; }
h2 { font-size: 14px; margin: 0 0 6px; }
section { padding: 10px 16px; }
.legend, .note { color: var(--muted); margin: 0 0 8px; max-width: 70em; }
.warning { margin: 8px 16px; padding: 6px 10px; background: #fffaf0; border: 1px solid var(--warn); white-space: pre-wrap; }
.cross-sample { color: var(--accent); } .side-sample { color: var(--muted); }
#graph-scroll { overflow: auto; background: #fff; border: 1px solid var(--line); max-height: 80vh; }
#graph { position: relative; }
svg.edges { position: absolute; left: 0; top: 0; }
.edge { fill: none; stroke: #8a93a6; stroke-width: 1.4; }
.edge.cross { stroke: var(--accent); stroke-dasharray: 6 4; }
.edge.side { stroke-dasharray: 2 3; }
.edge-label { font-size: 10px; fill: var(--muted); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.edge-label.cross { fill: var(--accent); }
.actor { position: absolute; width: ${s.boxWidth}px; background: var(--box); border: 1px solid #7b8498; border-radius: 6px;
  padding: 0 0 ${s.padding}px; overflow: hidden; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.actor-head { height: ${s.header}px; padding: 4px 8px; background: #edf0f6; border-bottom: 1px solid var(--line); color: var(--muted);
  font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.step { height: ${s.row}px; padding: 4px 8px; border-bottom: 1px dashed #e2e6ee; overflow: hidden; position: relative; }
.step:last-child { border-bottom: none; }
.step-title { display: flex; gap: 6px; white-space: nowrap; }
.step-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; }
.step-kind, .counts { color: var(--muted); font-size: 11px; }
.step-title [data-field=progress-text] { margin-left: auto; color: var(--accent); font-size: 11px; }
.figures, .counts { display: flex; gap: 7px; white-space: nowrap; font-variant-numeric: tabular-nums; font-size: 11px; }
.figures [data-field=rate] { font-weight: 600; min-width: 5.5em; }
.step.failing [data-field=failed] { color: var(--bad); font-weight: 600; }
.step.busy { background: #fff8e6; }
.progress { position: absolute; left: 0; right: 0; bottom: 0; height: 3px; background: #e2e8f0; }
.progress .fill { height: 100%; background: var(--accent); }
.panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 8px; }
ol { margin: 0; padding-left: 0; list-style: none; }
ol li { padding: 3px 0; border-bottom: 1px solid #e8ebf1; }
.timeline li { display: grid; grid-template-columns: 4em 6em 1fr 5.5em 6.5em 6em 6.5em; gap: 6px; align-items: center; font-variant-numeric: tabular-nums; font-size: 12px; }
.timeline .bar { height: 8px; background: #e2e8f0; border-radius: 2px; overflow: hidden; }
.timeline .bar .total { height: 100%; background: #90cdf4; }
.timeline .bar .align { height: 100%; background: var(--accent); }
.timeline li.failed, .timeline li.abandoned { color: var(--bad); }
.timeline li .error { grid-column: 2 / -1; white-space: pre-wrap; word-break: break-word; }
#error-list li, #restart-list li { white-space: pre-wrap; word-break: break-word; font-size: 12px; }
.code { font-family: ui-monospace, monospace; color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dt { color: var(--muted); } dd { margin: 0; font-variant-numeric: tabular-nums; word-break: break-word; }
table { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
#run { grid-column: 1 / -1; }
th, td { white-space: nowrap; padding: 2px 8px; border-bottom: 1px solid #e8ebf1; text-align: right; } th:first-child, td:first-child { text-align: left; }
`
