/**
 * Issue 16's checkpoint-overhead target, in one run: workload W with the real window step
 * (5M events, 1000 keys, `window(lengthBatch(100)).aggregate({ count, sum, min, max, avg })`,
 * bench/w-module.ts), file store in a temp dir, default codec (zstd):
 * 1. on 2 workers, a checkpoint every 1 s against none — target ≤ 5 % slower (goal 2 %);
 * 2. inline, a checkpoint every 1 s and every 100 ms against none.
 * BENCH_W_EVENTS changes the event count (for smoke runs). Time runs from the job's `running` status to `done` (worker start-up excluded; a completing
 * job's final checkpoint included — it is part of what checkpointing costs). 1 warm-up round,
 * then BENCH_CO_ROUNDS rounds (default 5), one run of every variant per round, full GC before each.
 * Run: npm run bench -- checkpoint-overhead, or node --expose-gc --import tsx bench/checkpoint-overhead.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, otherNote, spread, watchOtherProcesses, writeResults } from './measure.ts'
import wJob from './w-module.ts'
import { W } from './workload-w.ts'

const rounds = Number(process.env.BENCH_CO_ROUNDS ?? 5)
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-co-'))
const module = new URL('./w-module.ts', import.meta.url).href
const events = Number(process.env.BENCH_W_EVENTS ?? W.events)
const params = { windows: true, events }

interface Variant { readonly label: string; readonly workers: number; readonly interval: number | undefined }
const groups: readonly { title: string; target?: string; variants: Variant[] }[] = [
  { title: '2 workers', target: 'checkpoint every 1 s ≤ 5 % slower than none (goal 2 %)', variants: [
    { label: 'no checkpoints', workers: 2, interval: undefined }, { label: 'checkpoint every 1 s', workers: 2, interval: 1000 }] },
  { title: 'inline (workers: 0)', variants: [
    { label: 'no checkpoints', workers: 0, interval: undefined }, { label: 'checkpoint every 1 s', workers: 0, interval: 1000 },
    { label: 'checkpoint every 100 ms', workers: 0, interval: 100 }] },
]

async function once(v: Variant, round: number): Promise<{ ms: number; checkpoints: number; other: number | undefined }> {
  collectGarbage()
  const store = v.interval === undefined ? {} : { store: join(dir, `w-${v.workers}-${v.interval}-${round}`), checkpointInterval: v.interval }
  const job = wJob(params).run({ workers: v.workers, ...(v.workers > 0 && { module, params }), ...store })
  while (job.metrics().status === 'starting') await new Promise((r) => setTimeout(r, 1))
  const watch = watchOtherProcesses()
  const t = performance.now()
  const summary = await job.done
  const ms = performance.now() - t
  if (summary.status !== 'completed') throw new Error(`${v.label} on ${v.workers} workers ended '${summary.status}'`)
  return { ms, checkpoints: summary.checkpoints?.completed ?? 0, other: watch() }
}

try {
  const env = environment()
  console.log(formatEnvironment(env))
  const all = groups.flatMap((g) => g.variants)
  const runs = new Map(all.map((v) => [v, [] as { ms: number; checkpoints: number; other: number | undefined }[]]))
  const overall = watchOtherProcesses()
  for (let round = 0; round <= rounds; round++) {
    for (const v of all) {
      const r = await once(v, round)
      console.log(`  ${round === 0 ? 'warm-up' : `run ${round}  `} ${v.workers} workers, ${v.label.padEnd(24)} ${fmt(r.ms).padStart(6)} ms, ${r.checkpoints} checkpoints   ${otherNote(r.other)}`)
      if (round > 0) runs.get(v)!.push(r)
    }
  }
  const others = overall()
  const results: unknown[] = []
  for (const g of groups) {
    const base = spread(runs.get(g.variants[0]!)!.map((r) => r.ms)).median
    console.log(`\n## Workload W with windows (${fmt(events)} events), ${g.title}: running → done, medians of ${rounds} [range]\n`)
    const rows = g.variants.map((v) => {
      const s = spread(runs.get(v)!.map((r) => r.ms))
      const loss = 100 * (s.median - base) / base
      results.push({ group: g.title, ...v, ms: s, lossPercent: loss, checkpoints: runs.get(v)!.map((r) => r.checkpoints), otherProcessesCores: runs.get(v)!.map((r) => r.other) })
      return [v.label, `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`, fmt(events / s.median * 1000), `${loss.toFixed(1)} %`, runs.get(v)!.map((r) => r.checkpoints).join(', ')]
    })
    console.log(formatTable(['variant', 'ms', 'events/s', 'time vs none', 'checkpoints per run (final one included)'], rows))
    if (g.target) console.log(`\ntarget: ${g.target}`)
  }
  console.log(`\nduring the runs, on average: ${otherNote(others)}`)
  console.log(`results: ${writeResults('checkpoint-overhead', { environment: env, rounds, otherProcessesCores: others, results })}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
