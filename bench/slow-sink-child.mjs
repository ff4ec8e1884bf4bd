// Child process of bench/slow-sink-rss.ts: plain JavaScript, so that it runs as a user's app does —
// `node bench/slow-sink-child.mjs <oxiflow entry> <mode> <settings JSON>` on the compiled package
// (dist/index.js) — and, for an older checkout's sources, under `node --import tsx` with its
// index.ts. Runs one mode and prints one JSON line (a ChildReport of bench/slow-sink-settings.ts)
// on stdout. RSS is sampled every 5 ms and at every batch.
//
// Modes:
// - `generator-only`: imports oxiflow and opens the generator's reader without reading (the floor:
//   Node + oxiflow loaded, + tsx for sources);
// - `materialized`: reads the whole 2M-record generator into an array (what holding the input costs);
// - `slow-sink` / `slow-sink-unbounded`: an oxiflow job `generator(seed 1, count 2M | unbounded) →
//   keyBy → process(forward) → slow sink` (each write awaits ~1 ms) on `workers: 0`, stopped after
//   a fixed number of batches. keyBy puts a credit-bounded channel between the source and the rest
//   (source → sink alone would be fused into one actor, with no channel to bound).
//
// Run: `node bench/slow-sink-child.mjs "$PWD/dist/index.js" slow-sink "$(node -e ...SLOW_SINK...)"`;
// bench/slow-sink-rss.ts passes the settings.
import { pathToFileURL } from 'node:url'

const [entry, mode = '', settingsJson] = process.argv.slice(2)
if (!entry || !settingsJson) {
  console.error('usage: node bench/slow-sink-child.mjs <path of oxiflow index.js or index.ts> <mode> <settings JSON>')
  process.exit(2)
}
/** @type {typeof import('./slow-sink-settings.ts').SLOW_SINK} */
const SLOW_SINK = JSON.parse(settingsJson)
const { pipeline, sources, systemClock } = await import(pathToFileURL(entry).href)

const MB = 1024 * 1024
let peakRss = 0
let peakHeap = 0
let samples = 0
function sample() {
  const m = process.memoryUsage()
  samples++
  if (m.rss > peakRss) peakRss = m.rss
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed
}

const sourceContext = () => ({
  pipelineId: 'reference', step: 'events', split: { index: 0, count: 1 }, clock: systemClock(), signal: new AbortController().signal,
  reject(error) { throw error },
})

async function generatorOnly() {
  const reader = await sources.generator({ seed: 1, count: SLOW_SINK.count }).open(sourceContext())
  await new Promise((resolve) => setTimeout(resolve, 1000))
  void reader
  return { records: 0, batches: 0, maxReadAheadRecords: 0, status: 'n/a' }
}

async function materialized() {
  const reader = await sources.generator({ seed: 1, count: SLOW_SINK.count }).open(sourceContext())
  const all = []
  let batches = 0
  for (let batch = await reader.read(SLOW_SINK.batchSize); batch; batch = await reader.read(SLOW_SINK.batchSize)) {
    for (const r of batch) all.push(r)
    batches++
    sample()
  }
  return { records: all.length, batches, maxReadAheadRecords: all.length, status: 'completed' }
}

/** Passes records on: with keyBy before it, it is its own actor, so a channel feeds it. */
const forward = () => ({
  onBatch(records, ctx) {
    for (let i = 0; i < records.length; i++) ctx.emit(records[i])
  },
})

async function slowSink(unbounded) {
  let records = 0
  let batches = 0
  let maxReadAhead = 0
  let onWrite = () => {}
  const sink = {
    kind: 'sink',
    description: `slow(${SLOW_SINK.writeDelayMs} ms per batch)`,
    open: () => ({
      write(rs) {
        records += rs.length
        batches++
        sample()
        onWrite()
        return new Promise((resolve) => setTimeout(resolve, SLOW_SINK.writeDelayMs))
      },
    }),
  }
  const source = sources.generator(unbounded ? { seed: 1 } : { seed: 1, count: SLOW_SINK.count })
  // source → (hash exchange, a credit-bounded channel) → forward + sink (fused into one actor).
  const job = pipeline('slow-sink').source('events', source)
    .keyBy((r) => r.key)
    .process('forward', forward)
    .sink('slow', sink)
    .run({ workers: 0, batchSize: SLOW_SINK.batchSize, channelCapacity: SLOW_SINK.channelCapacity })
  onWrite = () => {
    // Records the source has read that the sink has not written yet: what sits in channels.
    const readAhead = job.metrics().steps.events.recordsOut - records
    if (readAhead > maxReadAhead) maxReadAhead = readAhead
    // Stopping from inside write() must not wait on the write it is called from.
    if (batches === SLOW_SINK.maxBatches) setImmediate(() => { void job.stop() })
  }
  const summary = await job.done
  return { records, batches, maxReadAheadRecords: maxReadAhead, status: summary.status }
}

const modes = {
  'generator-only': generatorOnly,
  materialized,
  'slow-sink': () => slowSink(false),
  'slow-sink-unbounded': () => slowSink(true),
}
if (!(mode in modes)) {
  console.error(`slow-sink-child: unknown mode '${mode}'; known: ${Object.keys(modes).join(', ')}`)
  process.exit(2)
}
sample()
const startRss = peakRss
const timer = setInterval(sample, 5)
const started = performance.now()
const outcome = await modes[mode]()
const durationMs = performance.now() - started
sample()
clearInterval(timer)
const report = {
  mode, startRssMB: startRss / MB, peakRssMB: peakRss / MB, peakHeapUsedMB: peakHeap / MB, ...outcome, durationMs, samples,
}
console.log(JSON.stringify(report))
