/**
 * Claim of the brokers issue: records/s from JetStream through a keyed event-time window to
 * JetStream — a plain client loop (consume, count in a Map, publish), oxiflow on 1 runner
 * (without checkpoints, and exactly-once with a checkpoint every second on the file store), and
 * oxiflow on 2 runners (2 partitions, each leased by one runner through the file store, each
 * runner a child process started before the clock and released together). Every variant's
 * output is compared with the loop's; a difference exits 1. Medians of BENCH_BROKERS_ROUNDS
 * (default 3) runs, each on a freshly seeded stream (seeding is not timed).
 * Run: npm run bench -- brokers   (NATS with JetStream on 127.0.0.1:4222, or BENCH_NATS)
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stores } from '../index.ts'
import { dropStream, outputOf, plainLoop, seed, windowJob } from './brokers-workload.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, libraryVersion, spread, writeResults } from './measure.ts'

const EVENTS = Number(process.env.BENCH_BROKERS_EVENTS ?? 200_000)
const ROUNDS = Number(process.env.BENCH_BROKERS_ROUNDS ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-brokers-'))
/** How the 2 runners split the 2 partitions, per round (1+1 expected; a runner that joins late gets less). */
const splits: string[] = []

type Variant = 'plain client loop' | 'oxiflow, 1 runner, no checkpoints' | 'oxiflow, 1 runner, exactly-once (checkpoint every 1 s)' | 'oxiflow, 2 runners, exactly-once (checkpoint every 1 s)'

/** Runs one variant on `stream`; resolves with the elapsed ms. */
async function runVariant(variant: Variant, stream: string, tag: string): Promise<number> {
  collectGarbage()
  if (variant === 'plain client loop') {
    const t = performance.now()
    await plainLoop(stream, `${stream}.out.loop`)
    return performance.now() - t
  }
  if (variant === 'oxiflow, 1 runner, no checkpoints') {
    const t = performance.now()
    await windowJob(`bench-${tag}-plain`, stream, `${stream}.in.*`, `${stream}.out.one`).run().done
    return performance.now() - t
  }
  if (variant === 'oxiflow, 1 runner, exactly-once (checkpoint every 1 s)') {
    const store = stores.file(join(dir, `one-${tag}`))
    const t = performance.now()
    await windowJob(`bench-${tag}-one`, stream, `${stream}.in.*`, `${stream}.out.eo`).run({ store, checkpointInterval: 1000 }).done
    const ms = performance.now() - t
    await store.close()
    return ms
  }
  // Two runners: child processes, started and loaded first, then released together.
  const children = [0, 1].map(() => spawn(process.execPath, ['--import', 'tsx', 'bench/brokers-runner.ts', stream, `bench-${tag}`, join(dir, `runners-${tag}`), `bench-${tag}-r`],
    { stdio: ['pipe', 'pipe', 'inherit'] }))
  const reports = children.map((c) => new Promise<{ start: number; end: number; partitions: number[] }>((resolve, reject) => {
    let out = ''
    c.stdout!.on('data', (d) => { out += d })
    c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`runner exit ${code}`))))
  }))
  await new Promise((r) => setTimeout(r, 3000)) // both have imported oxiflow and wait for "go"
  for (const c of children) c.stdin!.write('go\n')
  const done = await Promise.all(reports)
  const split = done.map((d) => d.partitions.length).join('+')
  splits.push(split)
  if (split !== '1+1') console.error(`  note: the runners split the partitions ${split}`)
  return Math.max(...done.map((d) => d.end)) - Math.min(...done.map((d) => d.start))
}

const variants: Variant[] = ['plain client loop', 'oxiflow, 1 runner, no checkpoints', 'oxiflow, 1 runner, exactly-once (checkpoint every 1 s)', 'oxiflow, 2 runners, exactly-once (checkpoint every 1 s)']
const outSubject: Record<Variant, string> = {
  'plain client loop': 'out.loop', 'oxiflow, 1 runner, no checkpoints': 'out.one',
  'oxiflow, 1 runner, exactly-once (checkpoint every 1 s)': 'out.eo', 'oxiflow, 2 runners, exactly-once (checkpoint every 1 s)': 'out.runners',
}

const env = environment()
console.log(formatEnvironment(env))
console.log(`@nats-io/jetstream ${libraryVersion('@nats-io/jetstream')}; ${EVENTS.toLocaleString('en-US')} events, 1,000 keys, 2 partitions; ${ROUNDS} rounds\n`)
const times = new Map<Variant, number[]>(variants.map((v) => [v, []]))
let failed = false
try {
  for (let round = 0; round < ROUNDS; round++) {
    const tag = randomBytes(4).toString('hex')
    const stream = `bench-brokers-${tag}`
    await seed(stream, EVENTS)
    try {
      for (const v of variants) times.get(v)!.push(await runVariant(v, stream, tag))
      const reference = await outputOf(stream, `${stream}.out.loop`)
      for (const v of variants.slice(1)) {
        if (await outputOf(stream, `${stream}.${outSubject[v]}`) !== reference) { console.error(`OUTPUT DIFFERS: ${v}`); failed = true }
      }
    } finally { await dropStream(stream) }
  }
} finally { rmSync(dir, { recursive: true, force: true }) }

const loop = spread(times.get('plain client loop')!).median
const rows = variants.map((v) => {
  const s = spread(times.get(v)!)
  return [v, `${fmt(EVENTS / s.median * 1000)} rec/s`, `${fmt(EVENTS / s.max * 1000)}–${fmt(EVENTS / s.min * 1000)}`, `${(loop / s.median).toFixed(2)}×`]
})
console.log(formatTable(['variant', 'median', 'range', 'vs loop'], rows))
console.log(`2-runner partition split per round: ${splits.join(', ')}`)
console.log(`results: ${writeResults('brokers', { env, events: EVENTS, times: Object.fromEntries(times), splits })}`)
process.exit(failed ? 1 : 0)
