// Progress of a bounded file source: bytes read over the bytes its splits read, and the time
// left. Oracles: the file's size (the totals at the end), and the records read — every line has
// the same length, so the share of bytes read is the share of lines read (to within a chunk).
import test from 'ava'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { progressLines } from '../../../cli/progress-line.ts'
import { pipeline, sinks, sources, type SourceProgress } from '../../../index.ts'
import build from '../../fixtures/metrics/slow-file.ts'
import { jobRegistry } from '../../../runtime/metrics/job-registry.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/metrics/slow-file.ts')).href
const LINES = 20_000

/** LINES JSON lines of 50 bytes each (newline included). */
async function file(t: { teardown(f: () => Promise<void>): void }): Promise<{ path: string; size: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-progress-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'in.jsonl')
  const line = (i: number) => { const s = JSON.stringify({ id: i, pad: '' }); return JSON.stringify({ id: i, pad: 'x'.repeat(49 - s.length) }) + '\n' }
  await writeFile(path, Array.from({ length: LINES }, (_, i) => line(i)).join(''))
  return { path, size: (await stat(path)).size }
}

for (const workers of [0, 2]) {
  test(`on ${workers} workers a file source reports a fraction that grows to 1 with the lines read, and a time left`, async (t) => {
    t.timeout(60_000)
    const { path, size } = await file(t)
    t.is(size, LINES * 50)
    // 1 MB in chunks of 8 KiB: ~122 batches at 25 ms each, about 3 s of reading (the time left is
    // checked from 40 %, when the trailing second of its byte rate is all reading).
    const params = { path, chunkSize: 8192, sinkMs: 25 }
    const job = build(params).run({ workers, module, params })
    const seen: Array<{ at: number; p: SourceProgress | undefined; lines: number; line: string }> = []
    const poll = setInterval(() => {
      const m = job.metrics()
      seen.push({ at: Date.now(), p: m.steps.in.progress, lines: m.steps.in.recordsIn, line: progressLines(m)[1] })
    }, 40)
    t.teardown(() => clearInterval(poll))
    const summary = await job.done
    const doneAt = Date.now()
    clearInterval(poll)
    const end = job.metrics().steps.in.progress
    t.deepEqual(end, { bytesRead: size, bytesTotal: size, fraction: 1, etaMs: 0 }, 'at the end: every byte of the file read')
    t.is(summary.steps.in.recordsIn, LINES)
    const scraped = await jobRegistry('metrics-slow-file', () => job.metrics()).metrics()
    const gauge = (name: string) => new RegExp(`^${name}\\{step="in",pipeline="metrics-slow-file"\\} (\\S+)$`, 'm').exec(scraped)?.[1]
    t.deepEqual(['oxiflow_source_read_bytes', 'oxiflow_source_size_bytes', 'oxiflow_source_progress_ratio', 'oxiflow_source_eta_seconds'].map(gauge),
      [String(size), String(size), '1', '0'], 'Prometheus gauges of the source step')
    t.false(/oxiflow_source_\w+\{step="out"/.test(scraped), 'no progress for the sink')
    t.false(scraped.includes(path), 'the file path is never a label')
    const during = seen.filter((s) => s.p !== undefined && s.p.fraction < 1)
    t.true(during.length >= 5, `${during.length} readings while reading`)
    let last = 0
    for (const s of during) {
      const p = s.p!
      t.true(p.fraction >= last, `never backwards: ${p.fraction} after ${last}`)
      last = p.fraction
      t.is(p.fraction, p.bytesRead / p.bytesTotal)
      t.true(Math.abs(p.bytesTotal - size) <= 2 * 8192, `total ${p.bytesTotal} ≈ size ${size}`)
      t.true(Math.abs(p.fraction - s.lines / LINES) <= 0.02, `bytes ${p.fraction.toFixed(3)} vs lines ${(s.lines / LINES).toFixed(3)}`)
      t.regex(s.line, new RegExp(`  ${(Math.floor(p.fraction * 1000 + 1e-6) / 10).toFixed(1)} %`), 'the progress line shows the percent')
    }
    const withEta = during.filter((s) => s.p!.etaMs !== undefined && s.p!.fraction >= 0.4 && s.p!.fraction <= 0.9)
    t.true(withEta.length >= 1, 'a time left while reading')
    for (const s of withEta) {
      const actual = doneAt - s.at
      t.true(s.p!.etaMs! > actual / 4 && s.p!.etaMs! < actual * 4, `eta ${s.p!.etaMs!.toFixed(0)} ms, it took ${actual} ms more`)
      t.regex(s.line, / s left$/, s.line)
    }
    t.log(`${job.metrics().steps.in.parallelism} splits, ${during.length} readings; eta at ~50 %: ${withEta.map((s) => `${s.p!.etaMs!.toFixed(0)} ms (took ${doneAt - s.at})`).slice(Math.floor(withEta.length / 2), Math.floor(withEta.length / 2) + 1)}`)
  })
}

test('a source that is not a file has no progress; nor has a step that is not a source', async (t) => {
  const job = pipeline('no-progress').source('in', sources.generator({ seed: 1, count: 1000 })).map('m', (r) => r.id).sink('out', sinks.collect()).run()
  await job.done
  const m = job.metrics()
  t.false('progress' in m.steps.in)
  t.false('progress' in m.steps.m)
  t.false(progressLines(m).some((l) => l.includes('%')))
})
