// Child process of bench/worker-start.ts: plain JavaScript, so that it runs as a user's app does —
// `node bench/worker-start-child.mjs <oxiflow entry> <rounds>` on the compiled package — and, for
// the sources of an older commit, under `node --import tsx` with an index.ts entry.
//
// Prints one JSON line: `empty`, ms until an empty worker thread (no oxiflow) answers; and per
// worker count N (1, 2, 4),
// - `ready`: ms from `new Worker(host entry)` until every one of N hosts answers `stats()` over
//   comlink — the host module has loaded and exposed its API, i.e. it is ready to deploy;
// - `runs`: ms of `run({ workers: N, module })` of a tiny job (1,000 records, keyBy, a running
//   sum per key, collect; its output checked against the inline run's) from run() to `done`, and the same job inline (`workers: 0`);
// the first round of each is a warm-up, reported apart as `cold`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

const [entry, roundsArg] = process.argv.slice(2)
if (!entry) {
  console.error('usage: node bench/worker-start-child.mjs <path of oxiflow index.js or index.ts> [rounds]')
  process.exit(2)
}
const rounds = Number(roundsArg ?? 5)
const fromSources = entry.endsWith('.ts')
const root = dirname(entry)
// The host thread's first module, as runtime/worker/worker-host.ts picks it: the built package's
// dist/worker.js, or the sources' tsx bridge.
// (runtime/worker/worker-entry.mjs; host-entry.mjs in checkouts before the runtime's rooms).
const hostEntry = fromSources
  ? ['worker-entry.mjs', 'host-entry.mjs'].map((f) => join(root, 'runtime/worker', f)).find((f) => existsSync(f))
  : join(root, 'worker.js')
// comlink's ES modules, as oxiflow's runtime/worker/comlink.ts imports them.
const { wrap, releaseProxy } = await import('comlink/dist/esm/comlink.mjs')
const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs')

// The pipeline module, plain .mjs as a user would write it; each worker imports it again.
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-worker-start-'))
const modulePath = join(dir, 'tiny.mjs')
writeFileSync(modulePath, `import { pipeline, sources, sinks } from ${JSON.stringify(pathToFileURL(entry).href)}
export default pipeline('tiny')
  .source('in', sources.generator({ seed: 1, count: 1000, keys: 10 }))
  .keyBy((r) => r.key)
  .reduce('sum', (total, r) => total + r.value, () => 0)
  .sink('out', sinks.collect())
`)
const moduleUrl = pathToFileURL(modulePath).href
const tiny = (await import(moduleUrl)).default

/** ms until an empty worker thread (Node alone, no oxiflow) posts a message: the floor of any worker's start. */
async function emptyReady() {
  const started = performance.now()
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage('ready')", { eval: true })
  await new Promise((resolve) => worker.once('message', resolve))
  const ms = performance.now() - started
  await worker.terminate()
  return ms
}

/** ms until `n` fresh hosts all answer; the threads are terminated after. */
async function hostsReady(n) {
  const started = performance.now()
  const workers = Array.from({ length: n }, (_, host) => new Worker(hostEntry, { workerData: { oxiflowHost: host } }))
  const apis = workers.map((w) => wrap(nodeEndpoint(w)))
  await Promise.all(apis.map((api) => api.stats()))
  const ms = performance.now() - started
  for (const api of apis) api[releaseProxy]()
  await Promise.all(workers.map((w) => w.terminate()))
  return ms
}

/** The job's output in an order that does not depend on the threads' interleaving. */
const canonical = (records) => records.map((r) => JSON.stringify(r)).sort().join('\n')
let expected

/** ms from run() to done of the tiny job on `workers` threads; its output must equal the first inline run's. */
async function runTiny(workers) {
  const started = performance.now()
  const summary = await tiny.run({ workers, module: moduleUrl }).done
  const ms = performance.now() - started
  const output = canonical(summary.results.out ?? [])
  expected ??= output
  if (summary.status !== 'completed' || output !== expected) {
    throw new Error(`tiny job on ${workers} workers: status ${summary.status}, ${summary.results.out?.length} records, ` +
      `${output === expected ? 'same' : 'different'} output than inline (expected completed, the same)`)
  }
  return ms
}

const counts = [1, 2, 4]
const report = { entry, fromSources, node: process.version, empty: { cold: 0, ms: [] }, ready: {}, runs: { 0: { cold: 0, ms: [] } } }
for (const n of counts) {
  report.ready[n] = { cold: 0, ms: [] }
  report.runs[n] = { cold: 0, ms: [] }
}
// Round-robin, so that drift in the machine's load hits every variant alike.
for (let round = 0; round <= rounds; round++) {
  const empty = await emptyReady()
  if (round === 0) report.empty.cold = empty
  else report.empty.ms.push(empty)
  for (const n of counts) {
    const ms = await hostsReady(n)
    if (round === 0) report.ready[n].cold = ms
    else report.ready[n].ms.push(ms)
  }
  for (const n of [0, ...counts]) {
    const ms = await runTiny(n)
    if (round === 0) report.runs[n].cold = ms
    else report.runs[n].ms.push(ms)
  }
}
rmSync(dir, { recursive: true, force: true })
console.log(JSON.stringify(report))
process.exit(0)
