/**
 * Claim of the run-state issue: keeping the run record costs nothing measurable on workload W.
 * W (5M events, keyed lengthBatch(100) windows with {count,sum,min,max,avg}) runs interleaved,
 * in one process:
 * 1. without a store (no lease, no run record);
 * 2. with a file store at the default heartbeat (10 s): lease plus run record written when the
 *    lease is taken, on each heartbeat and at the end — what every job with a store pays;
 * 3. the same at a 100 ms heartbeat (100× the default rate), as a stress bound.
 * No checkpoint interval in any variant, so the difference is the lease and the run record.
 * Run: node --expose-gc --import tsx bench/run-state.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agg, pipeline, sources, stores, updateRunRecord, windows, type RunOptions, type RunRecord, type Sink } from '../index.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, otherNote, spread, watchOtherProcesses, writeResults } from './measure.ts'
import { buildEvents, type WEvent } from './workload-w.ts'

const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-run-state-'))
const counting: Sink<unknown> = { kind: 'sink', description: 'count', open: () => ({ write() {} }) }
const ROUNDS = 5 // the first is warm-up

function wJob(events: readonly WEvent[]) {
  return pipeline('w').source('events', sources.iterable(events)).keyBy((r: WEvent) => r.key)
    .window('w100', windows.lengthBatch(100))
    .aggregate('stats', { count: agg.count(), sum: agg.sum((r: WEvent) => r.value), min: agg.min((r: WEvent) => r.value), max: agg.max((r: WEvent) => r.value), avg: agg.avg((r: WEvent) => r.value) })
    .sink('out', counting)
}

function blankRecord(): RunRecord {
  return { format: 1, pipelineId: 'w', runId: 'bench', status: 'running', startedAt: Date.now(), endedAt: null, recordsProcessed: 0, recordsFailed: 0,
    lastProcessedId: null, bytesProcessed: 0, batchNumber: 0, steps: {}, errors: [], errorsDropped: 0, retryCount: 0, runner: null, lease: null, takeover: null, lastHeartbeat: 0, lastCheckpoint: null }
}

try {
  const env = environment()
  console.log(formatEnvironment(env))
  const events = buildEvents()
  const variants: Array<[string, (round: number) => RunOptions]> = [
    ['no store (no run record)', () => ({})],
    ['file store, heartbeat 10 s (default)', (round) => ({ store: join(dir, `default-${round}`) })],
    ['file store, heartbeat 100 ms', (round) => ({ store: join(dir, `fast-${round}`), heartbeatInterval: 100 })],
  ]
  const times = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  const writes = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  // CPU time of this process per run: on a CPU shared with other processes it moves far less than wall time.
  const cpu = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  const others = watchOtherProcesses()
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, options] of variants) {
      collectGarbage()
      const started = performance.now()
      const cpuStart = process.cpuUsage()
      const job = wJob(events).run(options(round))
      await job.done
      const ms = performance.now() - started
      const used = process.cpuUsage(cpuStart)
      if (round > 0) {
        times.get(label)!.push(ms)
        cpu.get(label)!.push((used.user + used.system) / 1000)
        writes.get(label)!.push(job.metrics().runRecord?.writes ?? 0)
      }
    }
  }
  const base = spread(times.get(variants[0]![0])!).median
  const cpuBase = spread(cpu.get(variants[0]![0])!).median
  const rows = variants.map(([label]) => {
    const s = spread(times.get(label)!)
    const c = spread(cpu.get(label)!)
    const rate = (ms: number): string => fmt(events.length / ms * 1000 / 1e6, 2)
    return [label, `${rate(s.median)} M/s (${rate(s.max)}–${rate(s.min)})`, `${(100 * (s.median - base) / base).toFixed(1)} %`,
      `${fmt(c.median)} ms (${fmt(c.min)}–${fmt(c.max)})`, `${(100 * (c.median - cpuBase) / cpuBase).toFixed(1)} %`, writes.get(label)!.join(', ')]
  })
  console.log(`\n## Workload W with and without the run record (${fmt(events.length)} events, ${ROUNDS - 1} rounds after a warm-up, interleaved)\n`)
  console.log(formatTable(['variant', 'events/s median (range)', 'wall time vs no store', 'CPU time median (range)', 'CPU vs no store', 'run-record writes per run'], rows))
  // One write measured alone (less exposed to a shared CPU than a whole W run): what a heartbeat costs.
  const store = stores.file(join(dir, 'writes'))
  const writeMs: number[] = []
  const sample = blankRecord()
  await updateRunRecord(store, 'w', () => sample)
  const cpuStart = process.cpuUsage()
  for (let i = 0; i < 200; i++) {
    const started = performance.now()
    await updateRunRecord(store, 'w', (r) => ({ ...(r ?? sample), recordsProcessed: i, lastHeartbeat: Date.now() }))
    writeMs.push(performance.now() - started)
  }
  const used = process.cpuUsage(cpuStart)
  const cpuPerWrite = (used.user + used.system) / 1000 / 200
  const w = spread(writeMs)
  console.log(`\nOne run-record write (compare-and-set with re-read, file store, fsync'd; 200 writes): wall median ${fmt(w.median, 2)} ms ` +
    `(${fmt(w.min, 2)}–${fmt(w.max, 2)}), mostly waiting for fsync off the event loop; CPU ${fmt(cpuPerWrite, 2)} ms per write, ` +
    `which at the default 10 s heartbeat is ${fmt(100 * cpuPerWrite / 10_000, 4)} % of one core.`)
  const note = otherNote(others())
  console.log(`\n${note}`)
  console.log(`results: ${writeResults('run-state', { environment: env, rows, times: Object.fromEntries(times), cpu: Object.fromEntries(cpu), writeMs, cpuPerWrite, note })}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
