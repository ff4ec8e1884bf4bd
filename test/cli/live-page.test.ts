import test from 'ava'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import liveJob from '../fixtures/metrics/live-job.ts'
import { artifactPath, launchChromium, noChromium } from '../runtime/metrics/chromium.ts'
import { root, runCli } from './run-cli.ts'

// End to end: the built `oxiflow run … --ui` on 3 workers with a store, its page opened in
// headless Chromium. The oracles: the pipeline's own plan (p.plan) for the graph, two readings
// apart for the live figures, and `oxiflow state show --json` for the run record.

if (noChromium) console.log(`skipped: ${noChromium}`)
const browserTest = noChromium ? test.skip : test

// What the functions run inside the page use of the DOM (the project's types have no DOM library).
declare const document: {
  querySelectorAll(selector: string): { readonly length: number }
  querySelector(selector: string): { getAttribute(name: string): string | null } | null
}

/** A step's figures as the page shows them. */
type Figures = Record<string, { in: number; rate: number; rateText: string }>

const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => Promise.race([promise,
  new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())])

/** Each step's records in and rate, as the page shows them. */
const figures = (page: Page): Promise<Figures> => page.$$eval('[data-step]', (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-step')!, {
  in: Number(r.querySelector('[data-field="in"]')?.getAttribute('data-value')),
  rate: Number(r.querySelector('[data-field="rate"]')?.getAttribute('data-value')),
  rateText: r.querySelector('[data-field="rate"]')?.textContent ?? '',
}])))

browserTest('oxiflow run --ui: the page draws every step of the plan, its figures move, and its run record equals state show --json', async (t) => {
  t.timeout(180_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-live-page-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = join(dir, 'store')
  const child = spawn(process.execPath, [join(root, 'bin/oxiflow.mjs'), 'run', 'test/fixtures/metrics/live-job.ts', '--ui', '--workers', '3',
    '--store', store, '--checkpoint-interval', '2500'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const url = await within(60_000, 'the live page address on stderr', new Promise<string>((resolve, reject) => {
    const look = (): void => {
      const found = /oxiflow: live page on (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stderr)?.[1]
      if (found) resolve(found)
    }
    child.stderr.on('data', look)
    void exited.then((code) => reject(new Error(`oxiflow exited (${code}) before serving the page: ${stderr}`)))
  }))

  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 2300, height: 1400 } })
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  await page.goto(url, { timeout: 30_000 })

  // Every step of the plan is drawn.
  const plan = liveJob({}).plan({ workers: 3 })
  t.is(plan.steps.length, 20)
  await page.waitForFunction((n) => document.querySelectorAll('[data-step] [data-field="in"][data-value]').length === n, plan.steps.length, { timeout: 60_000 })
  t.deepEqual(await page.$$eval('[data-step]', (rows) => rows.map((r) => r.getAttribute('data-step')).sort()), plan.steps.map((s) => s.name).sort())
  t.is(await page.$$eval('path.edge', (p) => p.length), plan.exchanges.length)

  // The figures move: two readings 2 s apart.
  await page.waitForFunction(() => Number(document.querySelector('[data-step="out"] [data-field="in"]')?.getAttribute('data-value')) > 0, undefined, { timeout: 60_000 })
  const first = await figures(page)
  await page.waitForTimeout(2000)
  const second = await figures(page)
  for (const step of plan.steps.map((s) => s.name)) t.true(second[step]!.in > first[step]!.in, `${step}: records in ${first[step]!.in} → ${second[step]!.in}`)
  // Rates are the job's own (a trailing window, whoever reads): every step that took records shows one.
  for (const step of plan.steps.map((s) => s.name)) t.true(second[step]!.rate > 0, `${step}: rate ${second[step]!.rateText}`)
  t.true(plan.steps.some((s) => first[s.name]!.rateText !== second[s.name]!.rateText), 'some rate shown changed between the readings')
  t.is(await page.$eval('#status', (e) => e.textContent), 'running')

  // The checkpoint timeline fills.
  await page.waitForFunction(() => document.querySelectorAll('#checkpoint-list [data-checkpoint][data-status="completed"]').length >= 2, undefined, { timeout: 60_000 })
  const kinds = await page.$$eval('#checkpoint-list [data-status="completed"] [data-field="type"]', (cells) => cells.map((c) => c.textContent))
  t.true(kinds.length >= 2 && kinds.every((k) => k === 'full' || k === 'incremental'), kinds.join(', '))

  // The run record shown equals what `oxiflow state show --json` prints, for the same record version
  // (its runId and lastHeartbeat, which every write sets): the page reads it every second, the record
  // is written at each checkpoint (2.5 s), so a few tries find the page showing the version the command read.
  let compared = false
  for (let attempt = 0; attempt < 8 && !compared; attempt++) {
    const r = await runCli(['state', 'show', 'live-page', '--store', store, '--json'], {}, { queued: false })
    t.is(r.code, 0, r.stderr)
    const run = (JSON.parse(r.stdout) as { run: Record<string, unknown> & { steps: Record<string, Record<string, unknown>> } }).run
    const shown = await page.waitForFunction((beat) => {
      const v = document.querySelector('[data-run="lastHeartbeat"]')?.getAttribute('data-value')
      return v !== null && v !== undefined && Number(v) >= beat ? Number(v) : false
    }, run.lastHeartbeat as number, { timeout: 5_000 }).then((h) => h.jsonValue()).catch(() => undefined)
    if (shown !== run.lastHeartbeat) continue
    const onPage = await page.$$eval('[data-run]', (dd) => Object.fromEntries(dd.map((d) => [d.getAttribute('data-run')!, d.getAttribute('data-value')!])))
    if (onPage.lastHeartbeat !== String(run.lastHeartbeat)) continue // written again meanwhile
    const last = run.lastCheckpoint as Record<string, unknown> | null
    const expected: Record<string, unknown> = {
      status: run.status, runId: run.runId, recordsProcessed: run.recordsProcessed, recordsFailed: run.recordsFailed, lastProcessedId: run.lastProcessedId,
      batchNumber: run.batchNumber, bytesProcessed: run.bytesProcessed, retryCount: run.retryCount, errorsDropped: run.errorsDropped,
      lastHeartbeat: run.lastHeartbeat, 'lastCheckpoint.id': last?.id ?? null, 'lastCheckpoint.bytes': last?.bytes ?? null, 'lastCheckpoint.durationMs': last?.durationMs ?? null,
    }
    for (const [key, value] of Object.entries(expected)) t.is(onPage[key], JSON.stringify(value), key)
    const steps = await page.$$eval('[data-run-step]', (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-run-step')!,
      Object.fromEntries([...r.querySelectorAll('[data-field]')].map((c) => [c.getAttribute('data-field')!, c.textContent]))])))
    t.deepEqual(Object.keys(steps).sort(), Object.keys(run.steps).sort())
    for (const [name, s] of Object.entries(run.steps)) {
      for (const field of ['status', 'recordsIn', 'recordsOut', 'failed', 'processingMs', 'worker']) t.is(steps[name]![field], String(s[field]), `${name}.${field}`)
    }
    t.true((run.recordsFailed as number) > 0, 'the skipped records are counted')
    compared = true
  }
  t.true(compared, 'the page showed the record version state show printed, in one of 8 tries')

  const shot = artifactPath('live-page.png')
  await page.screenshot({ path: shot, fullPage: true })
  t.log(`screenshot: ${shot}`)
  console.log(`live page screenshot: ${shot}`)
  t.deepEqual(problems, [])

  // Ctrl-C: a graceful stop, exit 0; the page's stream ends with the job.
  child.kill('SIGINT')
  t.is(await within(60_000, 'oxiflow to stop after SIGINT', exited), 0, stderr)
})
