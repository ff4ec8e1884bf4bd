/**
 * Issue 16's hot-path target: `.window(tumbling).aggregate({ count, sum, min, max, avg })` inline
 * at ≥ 0.6× of a hand loop doing the same per key per window (goal 0.8×), in one run, on
 * workload W (5M events, 1000 keys, bench/workload-w.ts):
 * 1. tumbling count windows of 100 per key — `window(lengthBatch(100))`, the case the issue's
 *    0.34× was measured on (bench/workers.ts' "inline, window + aggregate") — against the hand
 *    loop of bench/w-hand-loop.ts, with the same work as a `.process` Oxi, RxJS and Node streams,
 *    and the column loop (window-hot-path/column-loop.ts: the work the step cannot avoid —
 *    checked values, compensated sums, columns by slot — as a plain loop);
 * 2. event-time tumbling windows of 100 s per key (≈ 100 events per window, as in 1) —
 *    `window(tumbling({ size: 100_000, time: ts }))` — against its own hand loop.
 * Every run's output digest is checked against the group's hand loop (the script fails on a
 * difference). Ratio = hand loop median time / variant median time.
 * Knobs: BENCH_W_EVENTS (default 5000000), BENCH_WH_ROUNDS (timed runs, default 5),
 * BENCH_WH_FRESH=1 (each run in a process of its own, the first pipeline it runs, instead of
 * round-robin in this process after a warm-up: window-hot-path/fresh-processes.ts).
 * Run: npm run bench -- window-hot-path, or node --expose-gc --import tsx bench/window-hot-path.ts
 */
import { environment, fmt, formatEnvironment, formatTable, otherNote, timeOnce, watchOtherProcesses, writeResults } from './measure.ts'
import { freshProcesses } from './window-hot-path/fresh-processes.ts'
import { hotPathGroups } from './window-hot-path/groups.ts'
import { roundRobin, type VariantTimes } from './window-hot-path/round-robin.ts'
import { buildEvents, W } from './workload-w.ts'

const events = Number(process.env.BENCH_W_EVENTS ?? W.events)
const rounds = Number(process.env.BENCH_WH_ROUNDS ?? 5)
const fresh = process.env.BENCH_WH_FRESH === '1'

const env = environment()
console.log(`# Window hot path — ${fmt(events)} events, ${W.keys} keys\n`)
console.log(formatEnvironment(env) + '\n')
// Fresh mode: each child process builds its own input.
const built = await timeOnce(() => (fresh ? [] : buildEvents(events)))
const input = built.value
if (!fresh) console.log(`input built in ${fmt(built.ms)} ms\n`)

const groups = hotPathGroups()
const overall = watchOtherProcesses()
const measured: { title: string; rows: VariantTimes[] }[] = []
for (const [i, g] of groups.entries()) {
  console.log(`## ${g.title}${fresh ? ' — each run in a process of its own' : ''}\n`)
  measured.push({ title: g.title, rows: fresh ? await freshProcesses(i, g, rounds) : await roundRobin(input, g.variants, rounds) })
  console.log()
}
const others = overall()

const rate = (ms: number): string => fmt(events / ms * 1000)
for (const m of measured) {
  console.log(`\n## ${m.title}: ${rounds} timed runs each ${fresh ? 'in processes of their own' : 'after a warm-up'}, round-robin, outputs checked\n`)
  console.log(formatTable(['variant', 'events/s (median)', 'events/s (min–max)', 'ms (median)', 'vs hand loop'],
    m.rows.map((r) => [r.variant.name, rate(r.ms.median), `${rate(r.ms.max)}–${rate(r.ms.min)}`, fmt(r.ms.median), `${r.ratio.toFixed(3)}×`])))
  for (const r of m.rows) console.log(`  ${r.variant.name}: ${r.variant.description}`)
  const window = m.rows.find((r) => r.variant.name === 'oxiflow window')!
  console.log(`\noxiflow window / hand loop: ${window.ratio.toFixed(3)}× (target ≥ 0.6×, goal 0.8×: ${window.ratio >= 0.8 ? 'goal met' : window.ratio >= 0.6 ? 'target met' : 'MISSED'})`)
}
console.log(`\nduring the runs, on average: ${otherNote(others)}`)
console.log(`results: ${writeResults('window-hot-path', {
  environment: env, events, keys: W.keys, rounds, freshProcesses: fresh, inputBuildMs: built.ms, otherProcessesCores: others,
  groups: measured.map((m) => ({ title: m.title, rows: m.rows.map((r) => ({ variant: r.variant.name, description: r.variant.description, ms: r.ms, ratioToHandLoop: r.ratio, otherProcessesCores: r.others })) })),
})}`)
