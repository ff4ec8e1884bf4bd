/**
 * Claims of the persistence issue, measured in one run:
 * 1. throughput of workload W (keyed count windows of 100 with {count,sum,min,max,avg}) with a
 *    checkpoint every 1 s and every 100 ms, against no checkpoints (target: ≤ 5 % loss at 1 s);
 * 2. trigger-to-commit time of checkpoints of a running keyed-window job, p50 and p99;
 * 3. checkpoint write and restore MB/s of a large state (1M keys) per codec.
 * Run: node --expose-gc --import tsx bench/checkpoint.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agg, pipeline, sources, stores, windows, type CodecName, type Sink } from '../index.ts'
import { collectGarbage, environment, formatEnvironment, spread } from './measure.ts'
import { buildEvents, type WEvent } from './workload-w.ts'

const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-cp-'))
const counting: Sink<unknown> = { kind: 'sink', description: 'count', open: () => ({ write() {} }) }

function wJob(events: readonly WEvent[], name: string) {
  return pipeline(name).source('events', sources.iterable(events)).keyBy((r: WEvent) => r.key)
    .window('w100', windows.lengthBatch(100))
    .aggregate('stats', { count: agg.count(), sum: agg.sum((r: WEvent) => r.value), min: agg.min((r: WEvent) => r.value), max: agg.max((r: WEvent) => r.value), avg: agg.avg((r: WEvent) => r.value) })
    .sink('out', counting)
}

async function throughput(events: readonly WEvent[]): Promise<string[]> {
  const variants: [string, number | undefined][] = [['no checkpoints', undefined], ['checkpoint every 1 s', 1000], ['checkpoint every 100 ms', 100]]
  const times = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  const taken = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  for (let round = 0; round < 4; round++) {
    for (const [label, interval] of variants) {
      collectGarbage()
      const store = interval === undefined ? undefined : join(dir, `w-${round}-${interval}`)
      const started = performance.now()
      const s = await wJob(events, 'w').run(interval === undefined ? {} : { store, checkpointInterval: interval }).done
      const ms = performance.now() - started
      if (round > 0) { times.get(label)!.push(ms); taken.get(label)!.push(s.checkpoints?.completed ?? 0) }
    }
  }
  const base = spread(times.get('no checkpoints')!).median
  return variants.map(([label]) => {
    const s = spread(times.get(label)!)
    return `| ${label} | ${(events.length / s.median * 1000 / 1e6).toFixed(2)} M/s (${(events.length / s.max * 1000 / 1e6).toFixed(2)}–${(events.length / s.min * 1000 / 1e6).toFixed(2)}) | ${(100 * (s.median - base) / base).toFixed(1)} % | ${taken.get(label)!.join(', ')} |`
  })
}

async function triggerToCommit(): Promise<string> {
  const job = pipeline('t2c').source('gen', sources.generator({ seed: 1, keys: 10_000, rate: 200_000 })).keyBy((r) => r.key)
    .window('w', windows.lengthBatch(100)).aggregate('stats', { n: agg.count(), s: agg.sum((r) => r.value) }).sink('out', counting)
    .run({ store: join(dir, 't2c'), retain: 2 })
  await new Promise((r) => setTimeout(r, 300))
  const durations: number[] = []
  let bytes = 0
  for (let i = 0; i < 60; i++) { const c = await job.checkpoint(); durations.push(c.durationMs); bytes = c.bytes }
  await job.stop()
  durations.sort((a, b) => a - b)
  const p = (q: number): string => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!.toFixed(1)
  return `60 checkpoints of a keyed-window job (10,000 keys, 200k events/s, file store, zstd, ${(bytes / 1024).toFixed(0)} KiB each): trigger to commit p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`
}

async function bigState(codec: CodecName): Promise<string> {
  const keys = 1_000_000
  const store = stores.file(join(dir, `big-${codec}`))
  const build = () => pipeline('big').source('tick', sources.generator({ seed: 1, rate: 1 }))
    .process('state', () => {
      let m = new Map<string, number>()
      for (let i = 0; i < keys; i++) m.set(`user-${i}`, i * 7 % 1000)
      return { onBatch() {}, holders: () => [{ stateId: 'state/map', stateVersion: '1.0.0', snapshot: () => m, restore(s: unknown) { m = s as Map<string, number> } }] }
    }).sink('out', counting)
  // Time from run() until records may flow: opening (the Oxi builds its Map either way) plus,
  // with restore, reading, verifying, decompressing, deserializing and restoring the state.
  const untilRunning = async (restore: boolean): Promise<number> => {
    collectGarbage()
    const started = performance.now()
    const job = build().run({ store, codec, ...(restore && { restore: 'latest' as const }) })
    while (job.metrics().status === 'starting') await new Promise((r) => setImmediate(r))
    const ms = performance.now() - started
    await job.stop()
    return ms
  }
  const job = build().run({ store, codec })
  await new Promise((r) => setTimeout(r, 200))
  const c = await job.checkpoint()
  await job.stop()
  const fresh: number[] = []
  const restored: number[] = []
  for (let i = 0; i < 3; i++) { fresh.push(await untilRunning(false)); restored.push(await untilRunning(true)) }
  const restoreMs = spread(restored).median - spread(fresh).median
  const mb = c.rawBytes / 2 ** 20
  return `| ${codec} | ${mb.toFixed(1)} MB → ${(c.bytes / 2 ** 20).toFixed(1)} MB (ratio ${(c.rawBytes / c.bytes).toFixed(1)}) | ${c.durationMs.toFixed(0)} ms (${(mb / c.durationMs * 1000).toFixed(0)} MB/s) | ${restoreMs.toFixed(0)} ms (${(mb / restoreMs * 1000).toFixed(0)} MB/s) |`
}

try {
  console.log(formatEnvironment(environment()))
  const events = buildEvents()
  console.log('\n## Workload W (5M events, keyed lengthBatch(100) windows, file store, zstd)\n')
  console.log('| variant | events/s median (range) | time vs none | checkpoints taken per run |\n|:--|--:|--:|:--|')
  for (const row of await throughput(events)) console.log(row)
  console.log(`\n## Trigger to commit\n\n${await triggerToCommit()}`)
  console.log('\n## Large state (a Map of 1,000,000 keys), file store: checkpoint write and restore\n')
  console.log('| codec | raw → stored | checkpoint (trigger → commit) | restore (median over 3, minus a fresh start) |\n|:--|--:|--:|--:|')
  for (const codec of ['zstd', 'lz4', 'snappy', 'none'] as CodecName[]) console.log(await bigState(codec))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
