/**
 * The flights file of bench/workers-pay.ts: `lines` JSON lines `{ id, ts, date, delay, distance,
 * origin, destination }` over 300 airports, in time order (one flight every 2.6 s from
 * 2024-01-01, so 1M lines span 30 days: 720 hourly windows per origin), seeded.
 */
import { writeFileSync } from 'node:fs'
import { mulberry32 } from '../workload-w.ts'

/** Writes the file; returns its size in bytes. */
export function writeFlights(path: string, lines: number): number {
  const rnd = mulberry32(7)
  const airports = Array.from({ length: 300 }, (_, i) => `A${String(i).padStart(3, '0')}`)
  const start = Date.UTC(2024, 0, 1)
  const parts: string[] = []
  for (let id = 0; id < lines; id++) {
    const ts = start + id * 2_600
    parts.push(JSON.stringify({ id, ts, date: new Date(ts).toISOString().slice(0, 10), delay: Math.floor(rnd() * 120) - 20, distance: Math.floor(rnd() * 3000),
      origin: airports[Math.floor(rnd() * airports.length)], destination: airports[Math.floor(rnd() * airports.length)] }))
  }
  const text = parts.join('\n') + '\n'
  writeFileSync(path, text)
  return Buffer.byteLength(text)
}
