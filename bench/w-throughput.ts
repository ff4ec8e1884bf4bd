/**
 * Claim: throughput of workload W (5M keyed events, per-key tumbling count window of 100) in
 * oxiflow inline (`workers: 0`) against a hand loop, idiomatic RxJS 7 and Node object streams.
 *
 * All variants run in this one process on the same input array, built once before timing. Each
 * runs 1 warm-up + N timed runs, round-robin (one run of each variant per round, so drift in the
 * machine hits every variant alike), with a full GC before each run when `--expose-gc` is on.
 * Every run's output digest is checked against the hand loop's; a mismatch fails the script.
 *
 * Run: `npm run bench -- w`, or `node --expose-gc --import tsx bench/w-throughput.ts`.
 * Knobs (env): BENCH_W_EVENTS (default 5000000), BENCH_W_ROUNDS (timed runs, default 5),
 * BENCH_W_VARIANTS (comma-separated names to keep, e.g. `oxiflow`; the hand loop always runs).
 */
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, otherNote, spread, timeOnce, watchOtherProcesses, writeResults, type Spread } from './measure.ts'
import { handLoop } from './w-hand-loop.ts'
import { nodeStreams } from './w-node-streams.ts'
import { oxiflowInline } from './w-oxiflow.ts'
import { rxjsGroupBy } from './w-rxjs.ts'
import { assertSameChecksum, buildEvents, W, type WVariant } from './workload-w.ts'

const events = Number(process.env.BENCH_W_EVENTS ?? W.events)
const rounds = Number(process.env.BENCH_W_ROUNDS ?? 5)
const only = process.env.BENCH_W_VARIANTS?.split(',').map((s) => s.trim())

const all: WVariant[] = [handLoop, rxjsGroupBy, nodeStreams, oxiflowInline]
const variants = all.filter((v) => v === handLoop || !only || only.includes(v.name))

const env = environment()
console.log(`# W throughput — ${fmt(events)} events, ${W.keys} keys, count window ${W.windowSize}\n`)
console.log(formatEnvironment(env) + '\n')

const built = await timeOnce(() => buildEvents(events))
const input = built.value
const expected = await handLoop.run(input)
console.log(`input built in ${fmt(built.ms)} ms; expected output: ${fmt(expected.windows)} windows, ${fmt(expected.records)} records, sum ${fmt(expected.sum)}\n`)

const times = new Map<WVariant, number[]>(variants.map((v) => [v, []]))
// Cores other processes kept busy during each timed run: a shared CPU skews variants unevenly.
const others = new Map<WVariant, (number | undefined)[]>(variants.map((v) => [v, []]))
const othersOverall = watchOtherProcesses()
for (let round = 0; round <= rounds; round++) {
  for (const v of variants) {
    const watch = watchOtherProcesses()
    const { ms, value } = await timeOnce(() => v.run(input))
    const other = watch()
    assertSameChecksum(v.name, value, expected)
    if (round > 0) {
      times.get(v)!.push(ms)
      others.get(v)!.push(other)
    }
    console.log(`  ${round === 0 ? 'warm-up' : `run ${round}  `} ${v.name.padEnd(14)} ${fmt(ms).padStart(7)} ms   ${otherNote(other)}`)
  }
}
const otherCores = othersOverall()
collectGarbage()

function maxOf(xs: readonly (number | undefined)[]): string {
  const known = xs.filter((x): x is number => x !== undefined)
  return known.length === 0 ? 'unknown' : Math.max(...known).toFixed(2)
}

const rate = (ms: number) => (events / ms) * 1000
const handMedian = spread(times.get(handLoop)!).median
const rows = variants.map((v) => {
  const ms: Spread = spread(times.get(v)!)
  return {
    variant: v.name,
    description: v.description,
    ms,
    eventsPerSec: { median: rate(ms.median), min: rate(ms.max), max: rate(ms.min) },
    ratioToHandLoop: handMedian / ms.median,
    otherProcessesCores: others.get(v)!,
    windows: expected.windows,
  }
})

console.log('\n' + formatTable(
  ['variant', 'events/s (median)', 'events/s (min–max)', 'ms (median)', 'vs hand loop', 'others, cores (max)'],
  rows.map((r) => [
    r.variant,
    fmt(r.eventsPerSec.median),
    `${fmt(r.eventsPerSec.min)}–${fmt(r.eventsPerSec.max)}`,
    fmt(r.ms.median),
    `${fmt(r.ratioToHandLoop, 3)}×`,
    maxOf(r.otherProcessesCores),
  ]),
))
console.log(`\n${rounds} timed runs each after 1 warm-up; every run's output checked (${fmt(expected.windows)} windows, checksums equal).`)
for (const v of variants) console.log(`  ${v.name}: ${v.description}`)
console.log(`during the runs: ${otherNote(otherCores)} on average (others, cores: CPU used by other processes during a run)`)

const path = writeResults('w-throughput', {
  claim: 'workload W throughput',
  environment: env,
  workload: { events, keys: W.keys, windowSize: W.windowSize, seed: W.seed, endOfInput: 'partial windows emitted' },
  runs: { warmup: 1, timed: rounds, order: 'round-robin' },
  expected: { ...expected },
  inputBuildMs: built.ms,
  otherProcessesCores: otherCores,
  rows,
})
console.log(`\nresults: ${path}`)
