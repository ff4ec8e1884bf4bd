/**
 * Claims of the worker-threads and windows issues, in one run:
 * 1. workload W (5M events, per key count windows of 100) inline, on 1 and on 2 workers, with the
 *    `.process` Oxi and with the real `window(lengthBatch(100)).aggregate(...)`, next to the hand loop;
 * 2. the JSONL workload (1,000,000 lines of flights, counted per origin, file to file) inline, on
 *    2 workers, and a hand-written single-thread loop.
 * Run: node --expose-gc --import tsx bench/workers.ts
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { collectGarbage, environment, formatEnvironment, spread } from './measure.ts'
import jsonlJob from './jsonl-module.ts'
import wJob from './w-module.ts'
import { buildEvents, mulberry32, W } from './workload-w.ts'

const rounds = Number(process.env.BENCH_WORKERS_ROUNDS ?? 3)
const moduleOf = (file: string): string => new URL(file, import.meta.url).href

/** Runs `start` 1 + rounds times (the first warms up): end-to-end times, and times from `running` (startup excluded). */
async function timed(start: () => { done: Promise<unknown>; metrics(): { status: string } }): Promise<{ total: number[]; running: number[] }> {
  const total: number[] = []
  const running: number[] = []
  for (let i = 0; i <= rounds; i++) {
    collectGarbage()
    const t = performance.now()
    const job = start()
    let ranAt: number | undefined
    const poll = setInterval(() => { if (ranAt === undefined && job.metrics().status !== 'starting') ranAt = performance.now() }, 1)
    await job.done
    clearInterval(poll)
    const end = performance.now()
    if (i > 0) { total.push(end - t); running.push(end - (ranAt ?? t)) }
  }
  return { total, running }
}

function row(label: string, n: number, ms: { total: number[]; running: number[] }, baseMs: number): string {
  const r = spread(ms.running)
  const tt = spread(ms.total)
  return `| ${label} | ${(n / r.median * 1000 / 1e6).toFixed(2)} M/s (${(n / r.max * 1000 / 1e6).toFixed(2)}–${(n / r.min * 1000 / 1e6).toFixed(2)}) | ${(baseMs / r.median).toFixed(2)}× | ${(tt.median / 1000).toFixed(2)} s |`
}

async function handTimed(f: () => Promise<unknown>): Promise<{ total: number[]; running: number[] }> {
  const total: number[] = []
  for (let i = 0; i <= rounds; i++) {
    collectGarbage()
    const t = performance.now()
    await f()
    if (i > 0) total.push(performance.now() - t)
  }
  return { total, running: total }
}

async function workloadW(): Promise<void> {
  const events = buildEvents()
  const hand = await handTimed(async () => {
    const accs = new Map<string, { n: number; sum: number; min: number; max: number }>()
    let out = 0
    for (const e of events) {
      let a = accs.get(e.key)
      if (!a) accs.set(e.key, a = { n: 0, sum: 0, min: Infinity, max: -Infinity })
      a.n++; a.sum += e.value
      if (e.value < a.min) a.min = e.value
      if (e.value > a.max) a.max = e.value
      if (a.n === W.windowSize) { out += a.sum / a.n; accs.delete(e.key) }
    }
    return out
  })
  const base = spread(hand.running).median
  console.log(`\n## Workload W: ${W.events.toLocaleString()} events, ${W.keys} keys, count windows of ${W.windowSize}\n`)
  console.log('| variant | events/s while running, median (range) | vs hand loop | end to end (startup, workers, data built) |\n|:--|--:|--:|--:|')
  console.log(row('hand loop (one thread)', events.length, hand, base))
  for (const [label, params, workers] of [
    ['oxiflow inline, .process Oxi', {}, 0], ['oxiflow 1 worker, .process Oxi', {}, 1], ['oxiflow 1 worker, .process Oxi, sink on the main thread', { sinkOnMain: true }, 1], ['oxiflow 2 workers, .process Oxi', {}, 2],
    ['oxiflow inline, window + aggregate', { windows: true }, 0], ['oxiflow 2 workers, window + aggregate', { windows: true }, 2],
  ] as const) {
    const ms = await timed(() => wJob(params).run({ workers, module: moduleOf('./w-module.ts'), params }))
    console.log(row(label, events.length, ms, base))
  }
}

async function workloadJsonl(dir: string): Promise<void> {
  const lines = 1_000_000
  const input = join(dir, 'flights.jsonl')
  const rnd = mulberry32(7)
  const airports = Array.from({ length: 300 }, (_, i) => `A${String(i).padStart(3, '0')}`)
  const parts: string[] = []
  for (let id = 0; id < lines; id++) {
    parts.push(JSON.stringify({ id, date: `2024-0${1 + (id % 9)}-1${id % 10}`, delay: Math.floor(rnd() * 120) - 20, distance: Math.floor(rnd() * 3000),
      origin: airports[Math.floor(rnd() * airports.length)], destination: airports[Math.floor(rnd() * airports.length)] }))
  }
  writeFileSync(input, parts.join('\n') + '\n')
  const hand = await handTimed(async () => {
    const counts = new Map<string, number>()
    for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
      if (line === '') continue
      const r = JSON.parse(line) as { origin: string }
      counts.set(r.origin, (counts.get(r.origin) ?? 0) + 1)
    }
    await writeFile(join(dir, 'hand.jsonl'), [...counts].map(([origin, n]) => JSON.stringify({ origin, n })).join('\n') + '\n')
  })
  const base = spread(hand.running).median
  console.log(`\n## JSONL workload: ${lines.toLocaleString()} lines (${(parts.join('\n').length / 2 ** 20).toFixed(0)} MB) of flights, count per origin, file to file\n`)
  console.log('| variant | lines/s while running, median (range) | vs hand loop | end to end |\n|:--|--:|--:|--:|')
  console.log(row('hand loop (readline + JSON.parse, one thread)', lines, hand, base))
  for (const workers of [0, 2]) {
    const params = { input, output: join(dir, `out-${workers}.jsonl`) }
    const ms = await timed(() => jsonlJob(params).run({ workers, module: moduleOf('./jsonl-module.ts'), params }))
    console.log(row(workers === 0 ? 'oxiflow inline' : `oxiflow ${workers} workers (${workers} splits)`, lines, ms, base))
  }
}

const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-workers-'))
try {
  console.log(formatEnvironment(environment()))
  await workloadW()
  await workloadJsonl(dir)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
