// The single-threaded hand loops of bench/workers-pay.ts: what a user would write without
// oxiflow — readline over the file, JSON.parse, a Map, the output written at the end, in the
// same form as the pipeline's (so outputs compare line for line, sorted).
import { createReadStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'

const HOUR = 3_600_000

/** Flights counted per origin: `{ origin, n }` lines. */
export async function countLoop(input, output) {
  const counts = new Map()
  for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
    if (line === '') continue
    const r = JSON.parse(line)
    counts.set(r.origin, (counts.get(r.origin) ?? 0) + 1)
  }
  await writeFile(output, [...counts].map(([origin, n]) => JSON.stringify({ origin, n }) + '\n').join(''))
}

/** Hourly tumbling windows per origin: `{ key, windowStart, windowEnd, n, avgDelay, maxDelay }` lines. */
export async function hourlyLoop(input, output) {
  const open = new Map()
  for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
    if (line === '') continue
    const r = JSON.parse(line)
    const start = Math.floor(r.ts / HOUR) * HOUR
    const id = `${r.origin}\u0000${start}`
    let w = open.get(id)
    if (w === undefined) open.set(id, w = { key: r.origin, windowStart: start, n: 0, sum: 0, max: -Infinity })
    w.n++
    w.sum += r.delay
    if (r.delay > w.max) w.max = r.delay
  }
  const lines = []
  for (const w of open.values()) lines.push(JSON.stringify({ key: w.key, windowStart: w.windowStart, windowEnd: w.windowStart + HOUR, n: w.n, avgDelay: w.sum / w.n, maxDelay: w.max }) + '\n')
  await writeFile(output, lines.join(''))
}
