// A worker of bench/thread-ceiling.ts, in plain JavaScript (no tsx in the thread): it prepares
// its input, says 'ready', waits for 'go', does `workerData.kind`'s work once and posts the
// milliseconds it took. Nothing of oxiflow is loaded: this is what bare threads reach.
import { parentPort, workerData } from 'node:worker_threads'
import v8 from 'node:v8'

const { kind, units } = workerData

/** `units` flight-like JSON lines parsed and counted per origin (the JSONL jobs' own work). */
function parse() {
  const origins = ['SFO', 'JFK', 'ORD', 'ATL', 'DFW', 'DEN', 'LAX', 'SEA']
  const lines = origins.map((o, i) => JSON.stringify({ origin: o, dest: origins[(i + 3) % 8], carrier: 'UA', ts: 1_700_000_000_000 + i * 60_000, delay: i * 1.5, distance: 1000 + i }))
  return () => {
    const counts = new Map()
    for (let i = 0; i < units; i++) {
      const r = JSON.parse(lines[i & 7])
      counts.set(r.origin, (counts.get(r.origin) ?? 0) + 1)
    }
    return counts.size
  }
}

/** A Map of `units` string keys deserialized (one share of a keyed holder's restore). */
function deserialize() {
  const m = new Map()
  for (let i = 0; i < units; i++) m.set(`user-${i}`, (i * 7919) % 100_000)
  const bytes = v8.serialize(m)
  return () => v8.deserialize(bytes).size
}

/** `units` MiB of fresh memory, one write per page (page faults: what growing a heap costs). */
function fresh() {
  return () => {
    const a = new Float64Array(units * 131_072)
    for (let i = 0; i < a.length; i += 512) a[i] = i
    return a.length
  }
}

const work = { parse, deserialize, fresh }[kind]()
parentPort.once('message', () => {
  const t = performance.now()
  work()
  parentPort.postMessage(performance.now() - t)
})
parentPort.postMessage('ready')
