/**
 * Claim: with a slow sink, oxiflow's memory is bounded by channel capacity, not by input size.
 *
 * Runs bench/slow-sink-child.mjs in fresh child processes, each mode a few times, and reports peak
 * RSS (sampled every 5 ms and at every batch) as median and min–max. The child loads the compiled
 * package with plain `node` (a user's view) and, with `BENCH_BEFORE_ROOT=<checkout>`, also that
 * checkout's sources under `node --import tsx` (bench/oxiflow-builds.ts), alternating:
 * - generator-only: Node + oxiflow loaded, the 2M-record generator opened, nothing read (the floor);
 * - materialized: the same 2M records read into an array (what buffering the input would cost);
 * - slow-sink: oxiflow job generator(count 2M) → keyBy → process(forward) → sink awaiting ~1 ms
 *   per batch, `workers: 0`, stopped after a fixed number of batches;
 * - slow-sink-unbounded: the same with an unbounded generator.
 *
 * Run: `npm run build && BENCH_BEFORE_ROOT=/tmp/wt-before npm run bench -- slow-sink`. Knob (env): BENCH_RSS_RUNS (runs per mode, default 3).
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { environment, fmt, formatEnvironment, formatTable, otherNote, spread, watchOtherProcesses, writeResults } from './measure.ts'
import { oxiflowBuilds, type OxiflowBuild } from './oxiflow-builds.ts'
import { CHILD_MODES, SLOW_SINK, type ChildReport } from './slow-sink-settings.ts'

const benchDir = dirname(fileURLToPath(import.meta.url))
const runs = Number(process.env.BENCH_RSS_RUNS ?? 3)

function runChild(build: OxiflowBuild, mode: string): ChildReport {
  const child = spawnSync(process.execPath, [...build.nodeArgs, join(benchDir, 'slow-sink-child.mjs'), build.entry, mode, JSON.stringify(SLOW_SINK)], {
    cwd: join(benchDir, '..'), encoding: 'utf8', timeout: 60_000,
  })
  if (child.status !== 0) {
    throw new Error(`slow-sink child '${mode}' (${build.label}) failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`)
  }
  const last = child.stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as ChildReport
}

const env = environment()
console.log(`# Peak RSS with a slow sink — generator ${fmt(SLOW_SINK.count)} records, batchSize ${SLOW_SINK.batchSize}, ` +
  `channelCapacity ${SLOW_SINK.channelCapacity}, ${SLOW_SINK.writeDelayMs} ms per write, stop after ${SLOW_SINK.maxBatches} batches\n`)
console.log(formatEnvironment(env) + '\n')

const builds = oxiflowBuilds()
const othersOverall = watchOtherProcesses()
const variants = builds.flatMap((build) => CHILD_MODES.map((mode) => ({ build, mode, key: `${build.label}: ${mode}` })))
const reports = new Map<string, ChildReport[]>(variants.map((v) => [v.key, []]))
for (let i = 0; i < runs; i++) {
  for (const { build, mode, key } of variants) {
    const r = runChild(build, mode)
    reports.get(key)!.push(r)
    console.log(`  run ${i + 1} ${key.padEnd(40)} peak RSS ${fmt(r.peakRssMB, 1).padStart(7)} MB, ${fmt(r.records)} records in ${fmt(r.durationMs)} ms`)
  }
}

const rows = variants.map(({ build, mode, key }) => {
  const rs = reports.get(key)!
  return {
    build: build.label,
    mode,
    peakRssMB: spread(rs.map((r) => r.peakRssMB)),
    startRssMB: spread(rs.map((r) => r.startRssMB)),
    peakHeapUsedMB: spread(rs.map((r) => r.peakHeapUsedMB)),
    records: spread(rs.map((r) => r.records)),
    maxReadAheadRecords: spread(rs.map((r) => r.maxReadAheadRecords)),
    durationMs: spread(rs.map((r) => r.durationMs)),
  }
})
console.log('\n' + formatTable(
  ['build', 'mode', 'peak RSS MB (median)', 'peak RSS MB (min–max)', 'RSS at start MB', 'peak heap used MB', 'records', 'max read-ahead', 'duration ms'],
  rows.map((r) => [
    r.build, r.mode, fmt(r.peakRssMB.median, 1), `${fmt(r.peakRssMB.min, 1)}–${fmt(r.peakRssMB.max, 1)}`,
    fmt(r.startRssMB.median, 1), fmt(r.peakHeapUsedMB.median, 1), fmt(r.records.median), fmt(r.maxReadAheadRecords.max), fmt(r.durationMs.median),
  ]),
))
console.log(`\n${runs} runs per mode, each in a fresh child process (node [--import tsx] bench/slow-sink-child.mjs <entry> <mode> <settings>).`)
console.log('records: written by the sink (oxiflow modes) or held in the array (materialized); max read-ahead: most')
console.log(`records read by the source and not yet written (max over runs); the channel bound is ${SLOW_SINK.channelCapacity} × ${SLOW_SINK.batchSize} = ${fmt(SLOW_SINK.channelCapacity * SLOW_SINK.batchSize)}.`)

const otherCores = othersOverall()
console.log(`during the runs: ${otherNote(otherCores)} on average`)

const path = writeResults('slow-sink-rss', { claim: 'slow-sink peak RSS', environment: env, otherProcessesCores: otherCores, settings: SLOW_SINK, runs, builds, rows, reports: Object.fromEntries(reports) })
console.log(`\nresults: ${path}`)
