/**
 * Issue 16's incremental-checkpoint target: at 1 % key churn between checkpoints, an incremental
 * checkpoint writes ≤ 5 % of the bytes of a full one (goal ≤ 2 %), in one run, for each kind of
 * keyed state of bench/keyed-state/variants.ts (window state and the Oxi per-key state API):
 * the keyed-state job (inline, file store, codec 'none') with `run({ incremental: {} })` (the
 * defaults: a full snapshot every 10 checkpoints or once a chain outweighs its full blob) fills N
 * keys × 3 records; checkpoint 1 is full (nothing to build on); then BENCH_IC_ROUNDS times
 * (default 3): one more record to each of 1 % of the keys (distinct keys), a checkpoint. Printed:
 * bytes of each of those / bytes of checkpoint 1, for the stateful step alone and the whole
 * checkpoint, and what the manifest says the step's holders wrote ('changes' or 'full'). A state
 * whose holders still write full snapshots (no StateHolder.snapshotChanges) is reported as
 * "not available", as is everything when this checkout has no `incremental` run option.
 * Knobs: BENCH_KS_KEYS (default 100000,1000000), BENCH_IC_ROUNDS, BENCH_KS_VARIANTS (default all),
 * BENCH_IC_CHURN (fraction of keys, default 0.01).
 * Run: npm run bench -- incremental-checkpoint, or node --expose-gc --import tsx bench/incremental-checkpoint.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stores, type CheckpointResult, type RunOptions } from '../index.ts'
import { PipelineCheckpoints } from '../persistence/checkpoints/pipeline-checkpoints.ts'
import { resolveCheckpointing } from '../runtime/checkpoint/checkpoint-options.ts'
import { endKeyedJob, startKeyedJob, untilProcessed } from './keyed-state/keyed-job.ts'
import { chosenVariants, type StateVariant } from './keyed-state/variants.ts'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, writeResults } from './measure.ts'

const keyCounts = (process.env.BENCH_KS_KEYS ?? '100000,1000000').split(',').map(Number)
const rounds = Number(process.env.BENCH_IC_ROUNDS ?? 3)
const churn = Number(process.env.BENCH_IC_CHURN ?? 0.01)
const variants = chosenVariants(process.env.BENCH_KS_VARIANTS)
const dir = mkdtempSync(join(tmpdir(), 'oxiflow-bench-ic-'))

/** Whether this checkout's run options know `incremental` (resolution keeps it: another engineer adds it). */
function incrementalOption(): boolean {
  const resolved = resolveCheckpointing({ store: dir, incremental: {} } as RunOptions) as { incremental?: unknown } | undefined
  return resolved?.incremental !== undefined
}

interface Measured { full: CheckpointResult; after: { c: CheckpointResult; kinds: string[] }[] }

async function measure(variant: StateVariant, keys: number): Promise<Measured> {
  const storePath = join(dir, `${variant.name}-${keys}`)
  const run = startKeyedJob(variant, keys, storePath, { incremental: {}, retain: rounds + 2 } as Partial<RunOptions>)
  try {
    await untilProcessed(run)
    collectGarbage()
    const full = await run.job.checkpoint()
    const taken: CheckpointResult[] = []
    for (let i = 0; i < rounds; i++) {
      run.churn(Math.round(keys * churn))
      await untilProcessed(run)
      collectGarbage()
      taken.push(await run.job.checkpoint())
    }
    // What the stateful step's holders wrote, from the manifests.
    const store = stores.file(storePath)
    const listed = await new PipelineCheckpoints(store, 'keyed-state').list()
    await store.close()
    const after = taken.map((c) => {
      const entry = listed.find((l) => l.id === c.id)
      if (!entry?.ok) throw new Error(`${variant.name}: checkpoint ${c.id} is not listed as readable`)
      const kinds = entry.manifest.holders.filter((h) => h.stateId.startsWith('stats/')).map((h) => h.snapshot ?? 'full')
      return { c, kinds: [...new Set(kinds)] }
    })
    return { full, after }
  } finally {
    await endKeyedJob(run)
  }
}

const pct = (a: number, b: number): string => `${(100 * a / b).toFixed(2)} %`

try {
  const env = environment()
  console.log(formatEnvironment(env))
  if (!incrementalOption()) {
    console.log('\nincremental checkpoints: not available — this checkout has no run({ incremental }) option (runtime/checkpoint/checkpoint-options.ts)')
  } else {
    const rows: string[][] = []
    const results: unknown[] = []
    for (const variant of variants) {
      for (const keys of keyCounts) {
        const m = await measure(variant, keys)
        const stepFull = m.full.steps.stats?.bytes ?? NaN
        for (const [i, a] of m.after.entries()) {
          const available = a.kinds.length > 0 && a.kinds.every((k) => k === 'changes')
          const step = a.c.steps.stats?.bytes ?? NaN
          rows.push([`${variant.name}, ${fmt(keys)}: checkpoint ${i + 2} after ${fmt(Math.round(keys * churn))} keys changed`,
            `${fmt(step)} / ${fmt(stepFull)}`, available ? pct(step, stepFull) : `not available (${a.kinds.join(', ') || 'no holders'})`,
            `${fmt(a.c.bytes)} / ${fmt(m.full.bytes)}`, available ? pct(a.c.bytes, m.full.bytes) : '—', fmt(a.c.durationMs)])
        }
        results.push({ variant: variant.name, keys, churn, full: m.full, incremental: m.after })
      }
    }
    console.log(`\n## Incremental checkpoints at ${(100 * churn).toFixed(1)} % key churn: bytes written / bytes of the full checkpoint 1 (target ≤ 5 %, goal ≤ 2 %)\n`)
    for (const v of variants) console.log(`- ${v.name}: ${v.description}`)
    console.log(`\n${formatTable(['variant, keys: checkpoint', 'step bytes', 'step ratio', 'checkpoint bytes', 'checkpoint ratio', 'trigger → commit, ms'], rows)}`)
    console.log('\n"not available": the step\'s holders wrote full snapshots (they have no StateHolder.snapshotChanges yet).')
    console.log(`results: ${writeResults('incremental-checkpoint', { environment: env, rounds, churn, results })}`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
