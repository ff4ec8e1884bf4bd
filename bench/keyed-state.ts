/**
 * Baseline of the keyed-state issue (16), measured in one run: a running job
 * `source(N keys) → keyBy → window(tumbling, 1 year) → aggregate({ count, sum, avg, max })`,
 * inline, file store in a temp dir, codec 'none', after exactly 3 records per key —
 * `job.checkpoint()` (trigger → commit, alignment, bytes) and its restore (a new run with
 * `restore: 'latest'` until its restore is reported) — against the code a user would write: a
 * `v8.serialize` of a Map of N `{ n, total, mean, top }` + writeFile + fsync, and readFile +
 * `v8.deserialize`. N = 100k and 1M (`BENCH_KS_KEYS=300000,…` to change).
 * `BENCH_KS_PROFILE=1`: one more checkpoint under the V8 sampling profiler (the same one as
 * `--cpu-prof`, scoped to the checkpoint), its top self-time functions printed.
 * Run: node --expose-gc --import tsx bench/keyed-state.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import v8 from 'node:v8'
import { positionHolder } from '../components/sources/position-holder.ts'
import { agg, pipeline, stores, windows, type CheckpointResult, type Job, type Sink, type Source } from '../index.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, spread, writeResults } from './measure.ts'

interface Ev { key: string; value: number; ts: number }
const keyCounts = (process.env.BENCH_KS_KEYS ?? '100000,1000000').split(',').map(Number)
const rounds = Number(process.env.BENCH_KS_ROUNDS ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-ks-'))
const none: Sink<unknown> = { kind: 'sink', description: 'none', open: () => ({ write() {} }) }
const YEAR = 365 * 24 * 3600 * 1000

/**
 * Record i has key `k${i % keys}` (every key gets exactly 3 records, so the state holds N keys like
 * the baseline's Map), an integer value and ts 10 ms apart; after 3N records reads idle on a 5 ms
 * timer (the job stays running, barriers pass); once `halt()` is called the next read throws, so
 * the job fails without the final checkpoint of a graceful stop (it would cost a full one).
 */
function filling(keys: number): { source: Source<Ev>; filled: () => boolean; halt: () => void } {
  const names = Array.from({ length: keys }, (_, i) => `k${i}`)
  const end = 3 * keys
  let next = 0
  let halted = false
  const source: Source<Ev> = {
    kind: 'source', description: `filling(${keys} keys × 3)`, bounded: false,
    open: (ctx) => ({
      read(max) {
        if (halted) throw new Error('bench: halted (ends the job without a final checkpoint)')
        if (next >= end) return new Promise<Ev[]>((r) => setTimeout(() => r([]), 5))
        const n = Math.min(max, end - next)
        const out = new Array<Ev>(n)
        for (let j = 0; j < n; j++, next++) out[j] = { key: names[next % keys]!, value: Math.imul(next, 0x9e3779b1) >>> 22, ts: 1_700_000_000_000 + next * 10 }
        return out
      },
      position: () => next,
      holders: () => [positionHolder(`${ctx.step}/position`, () => next, (p: number) => { next = p },
        (s) => Number.isSafeInteger(s) ? undefined : 'expected the next record number')],
    }),
  }
  return { source, filled: () => next >= end, halt: () => { halted = true } }
}

function start(keys: number, restore: boolean, store: string): { job: Job; filled: () => boolean; halt: () => void } {
  const f = filling(keys)
  const job = pipeline('keyed-state').source('in', f.source).keyBy((r: Ev) => r.key)
    .window('year', windows.tumbling({ size: YEAR, time: (r: Ev) => r.ts }))
    .aggregate('stats', { count: agg.count(), sum: agg.sum((r: Ev) => r.value), avg: agg.avg((r: Ev) => r.value), max: agg.max((r: Ev) => r.value) })
    .sink('out', none).run({ workers: 0, store: stores.file(store), codec: 'none', retain: 2, ...(restore && { restore: 'latest' as const }) })
  return { job, ...f }
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms))
async function end(j: { job: Job; halt: () => void }): Promise<void> {
  j.halt()
  await j.job.done.catch(() => undefined)
}

/** The figures of top self-time functions of the profiled checkpoint (`BENCH_KS_PROFILE=1`). */
async function profiled(job: Job): Promise<string> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  const c = await job.checkpoint()
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  // Self time per function, and inclusive time (each function counted once per sampled stack).
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)))
  const nameOf = (id: number): string => {
    const f = byId.get(id)!.callFrame
    return `${f.functionName || '(anonymous)'}${f.url ? ` (${basename(f.url)})` : ''}`
  }
  const add = (m: Map<string, number>, k: string, ms: number): void => { m.set(k, (m.get(k) ?? 0) + ms) }
  profile.samples!.forEach((id, i) => {
    const ms = profile.timeDeltas![i]! / 1000
    add(self, nameOf(id), ms)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(nameOf(at))
    for (const n of seen) add(inclusive, n, ms)
  })
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const table = (m: Map<string, number>, what: string): string => formatTable([`function (${what})`, 'ms', 'share'],
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([n, ms]) => [n, fmt(ms), `${(100 * ms / total).toFixed(1)} %`]))
  return `profiled checkpoint: ${fmt(c.durationMs)} ms (alignment ${fmt(c.alignmentMs)} ms), ${fmt(total)} ms sampled ` +
    `(shares are of the sampled time; 'dispatch' is the profiler's own start and stop)\n\n${table(self, 'self time')}\n\n${table(inclusive, 'inclusive time')}`
}

async function oxiflow(keys: number): Promise<{ checkpoints: CheckpointResult[]; restores: { wallMs: number; reportedMs: number }[]; profile?: string }> {
  const store = join(dir, `oxiflow-${keys}`)
  const run = start(keys, false, store)
  while (!run.filled() || (run.job.metrics().steps.stats?.recordsIn ?? 0) < 3 * keys) await tick()
  const checkpoints: CheckpointResult[] = []
  for (let i = 0; i < rounds; i++) { collectGarbage(); checkpoints.push(await run.job.checkpoint()) }
  const profile = process.env.BENCH_KS_PROFILE === '1' ? await profiled(run.job) : undefined
  await end(run)
  const last = checkpoints.at(-1)!
  const restores: { wallMs: number; reportedMs: number }[] = []
  for (let i = 0; i < rounds; i++) {
    collectGarbage()
    const t = performance.now()
    const again = start(keys, true, store)
    while (again.job.metrics().restore === undefined && again.job.metrics().status === 'starting') await tick(1)
    const wallMs = performance.now() - t
    const r = again.job.metrics().restore
    // Oracle: the restore read the newest checkpoint back, all of its state.
    if (r?.checkpointId === undefined || r.checkpointId < last.id || r.rawBytes !== last.rawBytes) throw new Error(`restore of ${keys} keys reported ${JSON.stringify(r)}, expected checkpoint ${last.id} of ${last.rawBytes} raw bytes`)
    restores.push({ wallMs, reportedMs: r.durationMs ?? NaN })
    await end(again)
  }
  return { checkpoints, restores, ...(profile && { profile }) }
}

async function handWritten(keys: number): Promise<{ writeMs: number[]; readMs: number[]; bytes: number }> {
  const state = new Map<string, { n: number; total: number; mean: number; top: number }>()
  for (let i = 0; i < keys; i++) {
    const vs = [0, 1, 2].map((r) => Math.imul(i + r * keys, 0x9e3779b1) >>> 22)
    const total = vs[0]! + vs[1]! + vs[2]!
    state.set(`k${i}`, { n: 3, total, mean: total / 3, top: Math.max(...vs) })
  }
  const file = join(dir, `hand-${keys}.bin`)
  const writeMs: number[] = []
  const readMs: number[] = []
  let bytes = 0
  for (let i = 0; i < rounds; i++) {
    collectGarbage()
    let t = performance.now()
    const buf = v8.serialize(state)
    const fh = await open(file, 'w')
    await fh.writeFile(buf)
    await fh.sync()
    await fh.close()
    writeMs.push(performance.now() - t)
    bytes = buf.length
    collectGarbage()
    t = performance.now()
    const back = v8.deserialize(await readFile(file)) as typeof state
    readMs.push(performance.now() - t)
    const k = `k${keys - 1}`
    if (back.size !== keys || JSON.stringify(back.get(k)) !== JSON.stringify(state.get(k))) throw new Error(`hand-written restore of ${keys} keys differs`)
  }
  return { writeMs, readMs, bytes }
}

try {
  console.log(formatEnvironment(environment()))
  const rows: string[][] = []
  const results: unknown[] = []
  for (const keys of keyCounts) {
    const o = await oxiflow(keys)
    const h = await handWritten(keys)
    const cp = spread(o.checkpoints.map((c) => c.durationMs)).median
    const al = spread(o.checkpoints.map((c) => c.alignmentMs)).median
    const mb = o.checkpoints.at(-1)!.bytes / 1e6
    const rs = spread(o.restores.map((r) => r.wallMs)).median
    const rr = spread(o.restores.map((r) => r.reportedMs)).median
    const hw = spread(h.writeMs).median
    const hr = spread(h.readMs).median
    const hmb = h.bytes / 1e6
    const fig = (ms: number, size: number): string => `${fmt(ms)} ms · ${fmt(keys / ms * 1000 / 1e6, 2)} M keys/s · ${fmt(size / ms * 1000)} MB/s`
    rows.push(
      [`${fmt(keys)} oxiflow checkpoint (${fmt(mb, 1)} MB; alignment ${fmt(al)} ms)`, fig(cp, mb), `${(cp / hw).toFixed(1)}×`],
      [`${fmt(keys)} hand-written v8.serialize + write + fsync (${fmt(hmb, 1)} MB)`, fig(hw, hmb), '1×'],
      [`${fmt(keys)} oxiflow restore (run() → restored; reported ${fmt(rr)} ms)`, fig(rs, mb), `${(rs / hr).toFixed(1)}×`],
      [`${fmt(keys)} hand-written readFile + v8.deserialize`, fig(hr, hmb), '1×'],
    )
    results.push({ keys, oxiflow: o, handWritten: h })
    if (o.profile) console.log(`\n## ${fmt(keys)} keys: ${o.profile}`)
  }
  console.log(`\n## Keyed window state: checkpoint and restore, medians of ${rounds}\n`)
  console.log(formatTable(['keys, what', 'median', 'vs hand-written'], rows))
  console.log(`\nresults: ${writeResults('keyed-state', { environment: environment(), results })}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
