/**
 * One runner of the broker benchmark's 2-runner variant (a child process of bench/brokers.ts):
 * waits for "go" on stdin, runs its share of the partitions, prints `{ start, end, partitions }`.
 */
import { createInterface } from 'node:readline'
import { partitions } from '../index.ts'
import { PARTITIONS, windowJob } from './brokers-workload.ts'

const [stream, group, store, id] = process.argv.slice(2) as [string, string, string, string]
const lines = createInterface({ input: process.stdin })
await new Promise<void>((resolve) => lines.once('line', () => resolve()))
lines.close()
const start = Date.now()
const ran: number[] = []
const runner = partitions.run({
  group, partitions: PARTITIONS, store, pollMs: 500,
  pipeline: (p) => windowJob(`${id}-p${p}`, stream, `${stream}.in.${p}`, `${stream}.out.runners`),
  run: { checkpointInterval: 1000 },
  onEvent: (e) => { if (e.kind === 'completed') ran.push(e.partition) },
})
await runner.done
console.log(JSON.stringify({ start, end: Date.now(), partitions: ran }))
