// job.metrics() has no side effects: rates come from the job's own sampled history, so readers
// at any frequency see consistent figures. The oracle is the paced generator's known rate:
// before, a reader polling every 5 ms made every other reader's rate the rate of the last 5 ms.
import test from 'ava'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import build from '../../fixtures/metrics/paced.ts'
import { jobRegistry } from '../../../runtime/metrics/job-registry.ts'
import { progressLines } from '../../../cli/progress-line.ts'
import { RATE_SAMPLE_MS } from '../../../runtime/job/job-rates.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/metrics/paced.ts')).href
const RATE = 20_000

for (const workers of [0, 2]) {
  test(`on ${workers} workers a reader polling every 5 ms and one polling every second both read the paced rate, and two readers at one moment read the same`, async (t) => {
    t.timeout(30_000)
    const params = { rate: RATE }
    const job = build(params).run({ workers, module, params })
    t.teardown(() => job.stop().then(() => undefined, () => undefined))
    const fast: Array<{ at: number; rate: number }> = []
    const fastTimer = setInterval(() => { fast.push({ at: Date.now(), rate: job.metrics().steps.pass.ratePerSec }) }, 5)
    t.teardown(() => clearInterval(fastTimer))
    // Worker threads take a while to start on a busy machine: the clock starts at the first record.
    while (job.metrics().steps.in.recordsIn === 0) await new Promise((r) => setTimeout(r, 20))
    const flowing = Date.now()
    const slow: Array<{ pass: number; out: number; in: number }> = []
    const sameMoment: Array<[number, number]> = []
    // Read 1.5, 2.5 and 3.5 s after records started: the first second is the window filling up.
    for (const at of [1500, 2500, 3500]) {
      await new Promise((r) => setTimeout(r, at - (Date.now() - flowing)))
      const m = job.metrics()
      sameMoment.push([m.steps.pass.ratePerSec, job.metrics().steps.pass.ratePerSec])
      slow.push({ in: m.steps.in.ratePerSec, pass: m.steps.pass.ratePerSec, out: m.steps.out.ratePerSec })
    }
    clearInterval(fastTimer)
    const summary = await job.stop()
    t.log(`slow reader: ${slow.map((s) => s.pass.toFixed(0)).join(', ')} rec/s; fast reader: ${fast.length} reads`)
    for (const s of slow) {
      for (const [step, rate] of Object.entries(s)) t.true(Math.abs(rate - RATE) <= 0.25 * RATE, `${step}: ${rate.toFixed(0)} rec/s, paced at ${RATE}`)
    }
    for (const [a, b] of sameMoment) t.is(a, b)
    // The fast reader's figures once the window filled: the job's sampled rate, which changes only
    // when a sample is added (every RATE_SAMPLE_MS), not 5 ms slices of it that change on every read.
    // On a loaded machine the pace itself wavers, so the middle figure is held to the rate, not each.
    const settled = fast.filter((f) => f.at >= flowing + 1500)
    const rates = settled.map((f) => f.rate)
    t.true(settled.length >= 50, `${settled.length} fast reads`)
    const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]
    t.true(Math.abs(median - RATE) <= 0.25 * RATE, `fast reader's median ${median.toFixed(0)} rec/s, paced at ${RATE}`)
    const changes = rates.filter((r, i) => i > 0 && r !== rates[i - 1]).length
    const span = settled.at(-1)!.at - settled[0].at
    const ticks = Math.ceil(span / RATE_SAMPLE_MS) + 2
    t.true(changes <= ticks, `the fast reader's figure changed ${changes} times in ${span} ms: more than once per sample (${ticks})`)
    t.true(summary.steps.out.recordsIn > 0)
  })
}

test('Prometheus scrapes and progress lines in a tight loop reset nothing: a reader afterwards still reads the paced rate', async (t) => {
  t.timeout(30_000)
  const params = { rate: RATE }
  const job = build(params).run({ workers: 0 })
  t.teardown(() => job.stop().then(() => undefined, () => undefined))
  const registry = jobRegistry('metrics-paced', () => job.metrics())
  while (job.metrics().steps.in.recordsIn === 0) await new Promise((r) => setTimeout(r, 20))
  await new Promise((r) => setTimeout(r, 1500))
  const scraped: number[] = []
  for (let i = 0; i < 100; i++) {
    const text = await registry.metrics()
    scraped.push(Number(/^oxiflow_step_rate_records_per_second\{step="pass",pipeline="metrics-paced"\} (\S+)$/m.exec(text)![1]))
    progressLines(job.metrics())
  }
  const after = job.metrics().steps.pass.ratePerSec
  await job.stop()
  t.true(Math.abs(after - RATE) <= 0.25 * RATE, `after 100 scrapes: ${after.toFixed(0)} rec/s, paced at ${RATE}`)
  for (const r of scraped) t.true(Math.abs(r - RATE) <= 0.25 * RATE, `scraped ${r.toFixed(0)} rec/s, paced at ${RATE}`)
})
