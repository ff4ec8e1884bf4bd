// One timed run of bench/workers-pay.ts, in a process of its own started with plain `node` (no
// tsx: the built package, as a user's compiled app runs it):
//   node bench/workers-pay/child.mjs '{"job":"count","variant":"oxiflow","workers":2,"keyed":true,"input":…,"output":…}'
// Prints one JSON line: wall ms (start of the run → output written), running ms (from the job's
// status `running`: worker start and restore excluded), CPU ms of the whole process and by thread
// (ThreadCpu), peak RSS (sampled every 20 ms) and the sorted output's digest.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { countLoop, hourlyLoop } from './hand-loops.mjs'
import jobOf from './jobs.mjs'
import { ThreadCpu } from './thread-cpu.mjs'

const spec = JSON.parse(process.argv[2])
// libuv's pool starts with the first file operation: start it before the baseline, so threads
// that start during the run are the job's workers.
await stat(spec.input)
const threads = new ThreadCpu()
let peakRss = process.memoryUsage.rss()
const sampler = setInterval(() => { threads.sample(); peakRss = Math.max(peakRss, process.memoryUsage.rss()) }, 20)
const cpu0 = process.cpuUsage()
const t0 = performance.now()
let runningAt
if (spec.variant === 'hand') {
  await (spec.job === 'hourly' ? hourlyLoop : countLoop)(spec.input, spec.output)
} else {
  const params = { job: spec.job, input: spec.input, output: spec.output, keyed: spec.keyed, workers: spec.workers, chunkSize: spec.chunkSize }
  const job = jobOf(params).run({ workers: spec.workers, ...(spec.workers > 0 && { module: new URL('./jobs.mjs', import.meta.url).href, params }) })
  // Polled until the job runs, then left alone (metrics() fetches the workers' figures).
  const poll = setInterval(() => {
    if (job.metrics().status === 'starting') return
    runningAt = performance.now()
    clearInterval(poll)
  }, 2)
  const summary = await job.done
  clearInterval(poll)
  if (summary.status !== 'completed') throw new Error(`job ended ${summary.status}`)
}
const wallMs = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
clearInterval(sampler)
threads.sample()
peakRss = Math.max(peakRss, process.memoryUsage.rss())
const lines = readFileSync(spec.output, 'utf8').split('\n').filter((l) => l !== '').sort()
console.log(JSON.stringify({
  wallMs, runningMs: wallMs - ((runningAt ?? t0) - t0), cpuMs: (cpu.user + cpu.system) / 1000, threads: threads.split(),
  peakRssMb: peakRss / 2 ** 20, outputLines: lines.length, digest: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16),
}))
