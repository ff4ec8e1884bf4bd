import { GRAPH_SCRIPT } from './live-page-graph.ts'
import { PAGE_HTML } from './live-page-html.ts'
import { LIVE_SCRIPT } from './live-page-live.ts'
import { PANELS_SCRIPT } from './live-page-panels.ts'
import { PAGE_CSS } from './live-page-style.ts'

/** A file of the live page: its content type and body. */
export interface PageAsset {
  readonly type: string
  readonly body: string
}

/**
 * The live page's files by path: `/` (the page), `/page.js` and `/page.css`. Everything the page
 * needs is here — no framework, no CDN, no font or image fetched from elsewhere: about 500
 * lines of HTML, CSS and plain JavaScript, small enough to read whole and served by oxiflow
 * itself, so the page works on a machine with no network beyond the loopback.
 *
 * @example
 * livePageAssets().get('/')?.type // 'text/html; charset=utf-8'
 */
export function livePageAssets(): ReadonlyMap<string, PageAsset> {
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: PAGE_HTML }],
    ['/page.js', { type: 'text/javascript; charset=utf-8', body: GRAPH_SCRIPT + PANELS_SCRIPT + LIVE_SCRIPT }],
    ['/page.css', { type: 'text/css; charset=utf-8', body: PAGE_CSS }],
  ])
}
