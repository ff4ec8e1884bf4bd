/**
 * The keyed-state issue (16), measured in one run: for each kind of window state (variants in
 * keyed-state/variants.ts: `tumbling` { count, sum, avg, max } — the case —,
 * `distinctCount`, and the record-holding `length` and `session`) and each key count N, a running
 * job `source(N keys) → keyBy → window → aggregate`, inline, file store in a temp dir, codec
 * 'none', after exactly 3 records per key: `job.checkpoint()` (trigger → commit, alignment, bytes)
 * and its restore (a new run with `restore: 'latest'` until its restore is reported), against the
 * code a user would write: `v8.serialize` of a Map holding the same per key + writeFile + fsync,
 * and readFile + `v8.deserialize`. Keys/s and MB/s (of each side's own bytes) and the ratio
 * oxiflow / hand-written (target ≤ 1×, goal 0.25×) are printed.
 * Knobs: BENCH_KS_KEYS (default 100000,1000000), BENCH_KS_ROUNDS (3), BENCH_KS_VARIANTS
 * (comma-separated, default all), BENCH_KS_PROFILE=checkpoint (or 1) or restore (one more
 * checkpoint or restore under the V8 sampling profiler, its top functions printed).
 * Run: npm run bench -- keyed-state, or node --expose-gc --import tsx bench/keyed-state.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CheckpointResult } from '../index.ts'
import { handWritten } from './keyed-state/hand-written.ts'
import { endKeyedJob, startKeyedJob, tick, untilProcessed } from './keyed-state/keyed-job.ts'
import { profiledCheckpoint, profiledRestore } from './keyed-state/profile.ts'
import { chosenVariants, type StateVariant } from './keyed-state/variants.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, spread, writeResults, type Spread } from './measure.ts'

const keyCounts = (process.env.BENCH_KS_KEYS ?? '100000,1000000').split(',').map(Number)
const rounds = Number(process.env.BENCH_KS_ROUNDS ?? 3)
const variants = chosenVariants(process.env.BENCH_KS_VARIANTS)
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-ks-'))

interface OxiflowSide { checkpoints: CheckpointResult[]; restores: { wallMs: number; reportedMs: number }[]; profile?: string }

async function oxiflow(variant: StateVariant, keys: number): Promise<OxiflowSide> {
  const store = join(dir, `oxiflow-${variant.name}-${keys}`)
  const run = startKeyedJob(variant, keys, store)
  await untilProcessed(run)
  const checkpoints: CheckpointResult[] = []
  for (let i = 0; i < rounds; i++) { collectGarbage(); checkpoints.push(await run.job.checkpoint()) }
  const which = process.env.BENCH_KS_PROFILE
  const checkpointProfile = which === '1' || which === 'checkpoint' ? await profiledCheckpoint(run.job) : undefined
  await endKeyedJob(run)
  const last = checkpoints.at(-1)!
  const restores: { wallMs: number; reportedMs: number }[] = []
  const restore = async (): Promise<number> => {
    collectGarbage()
    const t = performance.now()
    const again = startKeyedJob(variant, keys, store, { restore: 'latest' })
    while (again.job.metrics().restore === undefined && again.job.metrics().status === 'starting') await tick(1)
    const wallMs = performance.now() - t
    const r = again.job.metrics().restore
    // Oracle: the restore read the newest checkpoint back, all of its state.
    // (The profiled checkpoint, when taken, is the newest: its size is not in `last`.)
    if (r?.checkpointId === undefined || r.checkpointId < last.id || (checkpointProfile === undefined && r.rawBytes !== last.rawBytes)) throw new Error(`restore of ${variant.name}, ${keys} keys reported ${JSON.stringify(r)}, expected checkpoint ${last.id} of ${last.rawBytes} raw bytes`)
    restores.push({ wallMs, reportedMs: r.durationMs ?? NaN })
    await endKeyedJob(again)
    return wallMs
  }
  for (let i = 0; i < rounds; i++) await restore()
  const restoreProfile = which === 'restore' ? await profiledRestore(restore) : undefined
  if (restoreProfile) restores.pop()
  const profile = checkpointProfile ?? restoreProfile
  return { checkpoints, restores, ...(profile && { profile }) }
}

const range = (s: Spread): string => `[${fmt(s.min)}–${fmt(s.max)}]`

try {
  const env = environment()
  console.log(formatEnvironment(env))
  const rows: string[][] = []
  const results: unknown[] = []
  for (const variant of variants) {
    for (const keys of keyCounts) {
      const o = await oxiflow(variant, keys)
      const h = await handWritten(variant.handState(keys, 3 * keys), join(dir, `hand-${variant.name}-${keys}.bin`), rounds)
      const cp = spread(o.checkpoints.map((c) => c.durationMs))
      const al = spread(o.checkpoints.map((c) => c.alignmentMs)).median
      const pause = spread(o.checkpoints.map((c) => c.pauseMs)).median
      const mb = o.checkpoints.at(-1)!.bytes / 1e6
      const rs = spread(o.restores.map((r) => r.wallMs))
      const rr = spread(o.restores.map((r) => r.reportedMs)).median
      const hw = spread(h.writeMs)
      const hr = spread(h.readMs)
      const hmb = h.bytes / 1e6
      const fig = (s: Spread, size: number): string[] => [`${fmt(s.median)} ${range(s)}`, `${fmt(keys / s.median * 1000 / 1e6, 2)} M`, fmt(size / s.median * 1000)]
      const at = `${variant.name}, ${fmt(keys)}`
      rows.push(
        [`${at}: oxiflow checkpoint, ${fmt(mb, 1)} MB (alignment ${fmt(al)} ms, pause ${fmt(pause, 1)} ms)`, ...fig(cp, mb), `${(cp.median / hw.median).toFixed(2)}×`],
        [`${at}: hand-written serialize + write + fsync, ${fmt(hmb, 1)} MB`, ...fig(hw, hmb), '1×'],
        [`${at}: oxiflow restore, run() → restored (reported ${fmt(rr)} ms)`, ...fig(rs, mb), `${(rs.median / hr.median).toFixed(2)}×`],
        [`${at}: hand-written readFile + deserialize`, ...fig(hr, hmb), '1×'],
      )
      results.push({ variant: variant.name, description: variant.description, keys, oxiflow: o, handWritten: h })
      if (o.profile) console.log(`\n## ${variant.name}, ${fmt(keys)} keys: ${o.profile}`)
    }
  }
  console.log(`\n## Keyed window state: checkpoint and restore, medians of ${rounds} [range]\n`)
  for (const v of variants) console.log(`- ${v.name}: ${v.description}`)
  console.log(`\n${formatTable(['variant, keys: what', 'ms', 'keys/s', 'MB/s', 'time vs hand-written (target ≤ 1×)'], rows)}`)
  console.log(`\nresults: ${writeResults('keyed-state', { environment: env, rounds, results })}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
