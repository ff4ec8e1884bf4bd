/**
 * Child process of bench/soak.ts: runs the soak job on one source until told how long, sampling
 * RSS and heap used after a full GC, and prints one JSON line (a {@link SoakChildReport}).
 * The job (inline, `workers: 0`, so every actor's heap is this thread's): source → keyBy(key) →
 * 1-minute event-time tumbling windows with a count and a p99 → jsonl, a checkpoint every 500 ms
 * on a file store. Sources: `generator` (paced on its own), `jetstream` and `redis` (paced by
 * the producer in bench/soak.ts).
 *
 * Run: `node --expose-gc --import tsx bench/soak-child.ts <generator|jetstream|redis> <seconds> <rate> <sampleSeconds> [stream]`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agg, pipeline, sinks, sources, windows, type Source } from '../index.ts'
import { collectGarbage } from './measure.ts'
import { SOAK, type SoakChildReport, type SoakRecord } from './soak-settings.ts'

const [kind, seconds, rate, sampleSeconds, stream] = process.argv.slice(2) as [string, string, string, string, string | undefined]
const MB = 2 ** 20

function source(): Source<SoakRecord> {
  if (kind === 'generator') return sources.generator({ seed: 13, rate: Number(rate), keys: SOAK.keys })
  if (kind === 'jetstream') return sources.jetstream<SoakRecord>({ servers: SOAK.nats, stream: stream!, subject: `${stream}.in` })
  if (kind === 'redis') return sources.redisStream<SoakRecord>({ url: SOAK.redis, key: stream! })
  throw new Error(`soak-child: unknown source '${kind}' (generator, jetstream, redis)`)
}

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('soak-child: run with node --expose-gc')
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-soak-'))
try {
  const job = pipeline('bench-soak').source('in', source())
    .keyBy((r) => r.key)
    .window('minute', windows.tumbling({ size: 60_000, time: (r) => r.ts }))
    .aggregate('stats', { n: agg.count(), p99: agg.percentile((r: SoakRecord) => r.value, 99) })
    .sink('out', sinks.jsonl(join(dir, 'out.jsonl')))
    .run({ store: join(dir, 'store'), checkpointInterval: SOAK.checkpointMs })
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  while (job.metrics().steps.in!.recordsOut === 0) await sleep(50)
  const samples: { t: number; rssMB: number; heapMB: number; records: number }[] = []
  const start = performance.now()
  const sample = () => {
    collectGarbage()
    collectGarbage() // the first run's finalizers free more for the second
    const m = process.memoryUsage()
    samples.push({ t: (performance.now() - start) / 1000, rssMB: m.rss / MB, heapMB: m.heapUsed / MB, records: job.metrics().steps.in!.recordsOut })
  }
  sample()
  while (performance.now() - start < Number(seconds) * 1000) {
    await sleep(Math.min(Number(sampleSeconds) * 1000, Number(seconds) * 1000 - (performance.now() - start)))
    sample()
  }
  await job.stop()
  const s = await job.done
  const report: SoakChildReport = { source: kind, status: s.status, records: s.steps.in!.recordsOut, windows: s.steps.out!.recordsIn,
    checkpoints: s.checkpoints?.completed ?? 0, samples }
  console.log(JSON.stringify(report))
} finally { rmSync(dir, { recursive: true, force: true }) }
