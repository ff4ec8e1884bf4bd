import test from 'ava'
import { serveMetrics, type JobMetrics } from '../../../index.ts'
import { PLAN_20_STEPS, PLAN_UNION_SKIP } from '../../fixtures/metrics/plans.ts'
import { artifactPath, launchChromium, noChromium } from './chromium.ts'

// The page in a real browser, on a hand-written plan and hostile strings: what the page draws
// is read back from the DOM, the oracle being the plan and the sample given.

if (noChromium) console.log(`skipped: ${noChromium}`)
const browserTest = noChromium ? test.skip : test

const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'

function sample(t0: number): JobMetrics {
  const steps = Object.fromEntries(PLAN_20_STEPS.steps.map((s, i) => [s.name, {
    kind: s.kind, parallelism: s.parallelism, recordsIn: 1000 + i, recordsOut: 990 + i, failed: i % 7 === 0 ? 3 : 0, ratePerSec: 100 + i,
    busyPercent: 40, backpressureMs: 1200, queueDepth: i, alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 },
  }]))
  return {
    pipelineId: 'wide', status: 'running', elapsedMs: Date.now() - t0, steps,
    checkpoints: { completed: 1, failed: 1, abandoned: 0, last: undefined, lastError: HOSTILE,
      recent: [{ id: 1, status: 'completed', at: t0, durationMs: 120, alignmentMs: 30, bytes: 20480, incremental: false },
        { id: 2, status: 'failed', at: t0 + 1, durationMs: 50, error: HOSTILE }] },
    errors: [{ step: 'parse', code: 'ERR_STEP', message: HOSTILE, offset: 'record #3', time: t0, retryable: false }],
  } as JobMetrics
}

browserTest('the page draws all 20 steps of a 3-worker plan without overlap, and shows hostile strings as text', async (t) => {
  t.timeout(60_000)
  const t0 = Date.now()
  const server = await serveMetrics('wide', () => sample(t0), { port: 0, plan: PLAN_20_STEPS, eventIntervalMs: 200 })
  t.teardown(() => server.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 2300, height: 1200 } })
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  await page.goto(server.pageUrl, { timeout: 15_000 })
  await page.waitForSelector('[data-step="out"] [data-field="rate"][data-value]', { timeout: 15_000 })
  await page.waitForSelector('#error-list li', { timeout: 15_000 })
  const drawn = await page.$$eval('[data-step]', (rows) => rows.map((r) => r.getAttribute('data-step')))
  t.deepEqual(drawn.sort(), PLAN_20_STEPS.steps.map((s) => s.name).sort())
  const rate = await page.$eval('[data-step="valid"] [data-field="rate"]', (e) => e.textContent)
  t.is(rate, `${100 + PLAN_20_STEPS.steps.findIndex((s) => s.name === 'valid')}/s`)
  const boxes = await page.$$eval('.actor', (all) => all.map((b) => { const r = b.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height } }))
  t.is(boxes.length, PLAN_20_STEPS.actors.length)
  const overlapping = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h))
  t.deepEqual(overlapping, [], 'actor boxes do not overlap as the browser draws them')
  // Each step row fits its box: nothing of a row is cut off at the bottom.
  const cut = await page.$$eval('.step', (rows) => rows.filter((r) => r.scrollHeight > r.clientHeight + 1).map((r) => r.getAttribute('data-step')))
  t.deepEqual(cut, [])
  t.is(await page.$$eval('path.edge', (p) => p.length), PLAN_20_STEPS.exchanges.length)
  t.is(await page.$$eval('path.edge.cross', (p) => p.length), PLAN_20_STEPS.exchanges.filter((e) => e.crossesThreads).length)
  // Hostile strings: shown as text, never run or parsed.
  t.is(await page.$eval('#error-list [data-field="message"]', (e) => e.textContent), ` ${HOSTILE} (at record #3)`)
  t.is(await page.$eval('[data-checkpoint="2"] [data-field="error"]', (e) => e.textContent), HOSTILE)
  t.is(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined)
  t.is(await page.$$eval('img, script:not([src])', (e) => e.length), 0)
  t.deepEqual(await page.$$eval('[data-checkpoint]', (e) => e.map((li) => [li.getAttribute('data-checkpoint'), li.getAttribute('data-status')])),
    [['2', 'failed'], ['1', 'completed']])
  t.deepEqual(problems, [])
  await page.screenshot({ path: artifactPath('live-page-fixture.png'), fullPage: true })
})

browserTest('an edge that skips columns is drawn around the boxes between, not behind them', async (t) => {
  t.timeout(60_000)
  const steps = Object.fromEntries(PLAN_UNION_SKIP.steps.map((s) => [s.name, {
    kind: s.kind, parallelism: s.parallelism, recordsIn: 1, recordsOut: 1, failed: 0, ratePerSec: 1, busyPercent: 1, backpressureMs: 0, queueDepth: 0,
    alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 },
  }]))
  const server = await serveMetrics('union', () => ({ pipelineId: 'union', status: 'running', elapsedMs: 1, steps }) as JobMetrics, { port: 0, plan: PLAN_UNION_SKIP, eventIntervalMs: 200 })
  t.teardown(() => server.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } })
  await page.goto(server.pageUrl, { timeout: 15_000 })
  await page.waitForSelector('path.edge[data-edge="shape -> all"]', { timeout: 15_000 })
  // Points every 2 px along each drawn edge, in the page's coordinates, against the boxes the browser drew.
  // (A string: this project type-checks without the DOM's types.)
  const inside = await page.evaluate(`(() => {
    const boxes = [...document.querySelectorAll('.actor')].map((b) => b.getBoundingClientRect())
    const hits = []
    for (const path of document.querySelectorAll('path.edge')) {
      const m = path.getScreenCTM()
      for (let d = 0, n = path.getTotalLength(); d <= n; d += 2) {
        const q = path.getPointAtLength(d)
        const p = new DOMPoint(q.x, q.y).matrixTransform(m)
        if (boxes.some((r) => p.x > r.left + 1 && p.x < r.right - 1 && p.y > r.top + 1 && p.y < r.bottom - 1)) { hits.push(path.getAttribute('data-edge')); break }
      }
    }
    return hits
  })()`) as string[]
  t.deepEqual(inside, [], 'no edge passes inside a box')
  t.is(await page.$$eval('path.edge', (p) => p.length), PLAN_UNION_SKIP.exchanges.length)
  await page.screenshot({ path: artifactPath('live-page-union.png'), fullPage: true })
})
