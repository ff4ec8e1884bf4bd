// What two threads can do with the flights file's JSON.parse on this machine, without oxiflow:
// one worker parses every line, then two workers parse one half each at once; each reports the
// time of its parse loop (the file read and split excluded). Issue 17's per-line parse cost on
// workers is compared with this ceiling in bench/README.md ("A worker's young generation").
//   node bench/workers-pay/parse-threads.mjs /tmp/flights1m.jsonl [rounds]
import { readFileSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

function parse(path, half) {
  const lines = readFileSync(path, 'latin1').split('\n').filter((l) => l !== '')
  const mine = half === undefined ? lines : lines.filter((_, i) => i % 2 === half)
  const t0 = performance.now()
  let sum = 0
  for (const line of mine) sum += JSON.parse(line).distance
  return { ms: performance.now() - t0, lines: mine.length, sum }
}

if (!isMainThread) parentPort.postMessage(parse(workerData.path, workerData.half))
else {
  const path = process.argv[2]
  if (!path) throw new Error('usage: node bench/workers-pay/parse-threads.mjs <flights.jsonl> [rounds]')
  const rounds = Number(process.argv[3] ?? 3)
  const on = (halves) => Promise.all(halves.map((half) => new Promise((resolve, reject) => {
    new Worker(new URL(import.meta.url), { workerData: { path, half } }).once('message', resolve).once('error', reject)
  })))
  for (let r = 1; r <= rounds; r++) {
    const [all] = await on([undefined])
    const halves = await on([0, 1])
    console.log(`round ${r}: one thread ${all.ms.toFixed(0)} ms for ${all.lines} lines; two threads at once ${halves.map((h) => h.ms.toFixed(0)).join(' and ')} ms for ${halves.map((h) => h.lines).join(' and ')}`)
  }
}
