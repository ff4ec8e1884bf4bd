// The differential fault harness: a generated pipeline is run inline and uninterrupted in this
// process (the oracle), then as `oxiflow run` child processes under a fault plan; the sink's
// output, the dead letters and the run record must equal the oracle's, exactly once.
import fc from 'fast-check'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readRunRecord, stores, type RunRecord } from '../../index.ts'
import build from '../fixtures/chaos/pipeline.ts'
import { inputPath, inputText, type ChaosParams, type ChaosSpec } from '../fixtures/chaos/spec.ts'
import { runChild, stateReport } from './child-run.ts'
import { describeSpec } from './describe.ts'
import { featureNames, type Features } from './features.ts'
import { keepsOrder, specArb } from './generate.ts'
import { compareOutputs, readOutputs, type Outputs, type Strictness } from './outputs.ts'
import { describePlan, planArb, type Plan } from './plan.ts'

/** A generated pipeline with its input files written and its oracle output computed. */
export interface Prepared {
  readonly seed: number
  readonly spec: ChaosSpec
  readonly dir: string
  readonly oracle: Outputs
  readonly record: RunRecord | undefined
  /** How strictly its runs' outputs are compared with the oracle's. */
  readonly strict: Strictness
  /** The features it was generated with (they shape the spec: a replay needs the same). */
  readonly features: Features
  /** How the oracle failed (a refused option, a step under onError 'fail'): every run must fail so too. */
  readonly failure?: { readonly name: string; readonly message: string }
}

/** What one fault plan gave. */
export interface CaseResult {
  readonly problems: string[]
  /** Kills and stops that landed while the job was running. */
  readonly faults: number
  readonly runs: number
}

/** Watchdog limits of every child run (ms): generous for a loaded 2-core machine, far below ava's timeout. */
export const limits = { startMs: 30_000, stallMs: 10_000, totalMs: 60_000, stopMs: 15_000 }

/** The spec a seed gives. */
export function specOf(seed: number, f: Features): ChaosSpec {
  return fc.sample(specArb(f), { seed, numRuns: 1 })[0]!
}

/**
 * The plans of a seed's cases: case 0 an uninterrupted run on 1–3 workers (whose run-record
 * counts must equal the oracle's too), the others fault plans; case i draws from seed·16 + i, so
 * a case replays from its seed.
 */
export function plansOf(seed: number, f: Features, cases: number): Plan[] {
  return Array.from({ length: cases }, (_, i) => fc.sample(planArb(f, i > 0), { seed: seed * 16 + i, numRuns: 1 })[0]!)
}

/** Writes the spec's input files into a fresh directory and runs the oracle there. */
export async function prepare(seed: number, f: Features): Promise<Prepared> {
  const spec = specOf(seed, f)
  const dir = await mkdtemp(join(tmpdir(), `oxiflow-chaos-${seed}-`))
  for (const [b, branch] of spec.branches.entries()) {
    const src = branch.source
    if (src.kind === 'jsonl' || src.kind === 'csv') await writeFile(inputPath(dir, b, src.kind), inputText(spec.seed, b, src))
  }
  const out = join(dir, 'oracle')
  await mkdir(out)
  const store = stores.memory()
  let failure: Prepared['failure']
  try {
    await build({ spec, dir, out, unpaced: true }).run({ store }).done
  } catch (e) {
    failure = { name: (e as Error).name, message: (e as Error).message }
  }
  const record = await readRunRecord(store, 'chaos') // none when the pipeline was refused before it ran
  return { seed, spec, dir, oracle: await readOutputs(out), record, strict: { ordered: keepsOrder(spec, f), offsets: f.letterOffsets }, features: f, ...(failure && { failure }) }
}

/** Removes a prepared pipeline's directory. */
export function cleanup(p: Prepared): Promise<void> {
  return rm(p.dir, { recursive: true, force: true })
}

/** Differences between two run records' counts: totals, and each step's records in/out and failed. */
export function compareRecords(expected: RunRecord, actual: RunRecord | undefined): string[] {
  if (!actual) return ['no run record in the store']
  const problems: string[] = []
  if (actual.status !== 'completed') problems.push(`run record status ${actual.status}, expected completed`)
  for (const f of ['recordsProcessed', 'recordsFailed'] as const) {
    if (actual[f] !== expected[f]) problems.push(`run record ${f} ${actual[f]}, the oracle ${expected[f]}`)
  }
  for (const [name, e] of Object.entries(expected.steps)) {
    const a = actual.steps[name]
    if (!a) { problems.push(`run record has no step ${name}`); continue }
    for (const f of ['recordsIn', 'recordsOut', 'failed'] as const) {
      if (a[f] !== e[f]) problems.push(`run record step ${name}.${f} ${a[f]}, the oracle ${e[f]}`)
    }
  }
  return problems
}

const tail = (s: string, n = 3000): string => (s.length > n ? `…${s.slice(-n)}` : s)

/** Runs one fault plan against a prepared pipeline, in `caseDir` (store and outputs). */
export async function runCase(p: Prepared, plan: Plan, caseDir: string): Promise<CaseResult> {
  const store = join(caseDir, 'store')
  const out = join(caseDir, 'out')
  await mkdir(out, { recursive: true })
  const params: ChaosParams = { spec: p.spec, dir: p.dir, out }
  let faults = 0
  for (let i = 0; ; i++) {
    if (i >= 8) return { problems: [`the job did not complete in ${i} runs`, await stateReport(store)], faults, runs: i }
    const planned = plan.runs[Math.min(i, plan.runs.length - 1)]!
    const run = await runChild({
      workers: planned.workers, store, params, checkpointInterval: plan.interval, restore: i > 0, limits,
      // Runs past the plan repeat its last run, which has no interrupt.
      ...(i < plan.runs.length && planned.interrupt && { interrupt: planned.interrupt }),
      ...(i < plan.runs.length && planned.fault && { env: { OXIFLOW_FAULT: planned.fault } }),
    })
    const which = `run ${i + 1} (${planned.workers} workers${i > 0 ? ', --restore latest' : ''})`
    if (run.stuck) return { problems: [`${which} stuck: ${run.stuck}`], faults, runs: i + 1 }
    if (run.signal === 'SIGKILL' && (run.interrupted === 'SIGKILL' || planned.fault)) { faults++; continue }
    let status: string | undefined
    try {
      status = (JSON.parse(run.stdout) as { status?: string }).status
    } catch { /* reported below with the exit code */ }
    // A SIGTERM that lands once the job has completed (summary printed, the CLI's handlers gone)
    // ends the process by the signal: that run completed. Before that it must stop gracefully.
    const terminated = run.signal === 'SIGTERM' && run.interrupted === 'SIGTERM'
    if (run.code === 0 && status === 'stopped' && run.interrupted === 'SIGTERM') { faults++; continue }
    if (p.failure) {
      // The oracle failed: so must the run (a refusal exits 2, a failed step 1), with the same error.
      const error = (() => { try { return (JSON.parse(run.stdout) as { error?: { name?: string } }).error } catch { return undefined } })()
      const same = error?.name === p.failure.name || run.stderr.includes(p.failure.message.slice(0, 80))
      if ((run.code === 1 || run.code === 2) && same) return { problems: [], faults, runs: i + 1 }
      return { problems: [`${which} ended with code ${run.code} status ${status}, but the oracle failed with ${p.failure.name}: ${p.failure.message}\n${tail(run.stderr)}`], faults, runs: i + 1 }
    }
    if ((run.code === 0 || terminated) && status === 'completed') {
      const problems = compareOutputs(p.oracle, await readOutputs(out), p.strict)
      const record = await readRunRecord(stores.file(store), 'chaos')
      // Counts are per run: only a job that ran in one piece can be held to the oracle's counts.
      problems.push(...(i === 0 ? compareRecords(p.record!, record) : record?.status === 'completed' ? [] : [`run record status ${record?.status}, expected completed`]))
      return { problems, faults, runs: i + 1 }
    }
    return { problems: [`${which} ended with code ${run.code} signal ${run.signal} status ${status}${run.interrupted ? ` after ${run.interrupted}` : ''}:\n${tail(run.stderr)}`], faults, runs: i + 1 }
  }
}

/** The failure report: seed, how to replay, the plan, the pipeline as text and as JSON, what differed. */
export function report(p: { seed: number; spec: ChaosSpec; features: Features }, caseIndex: number, plan: Plan, problems: readonly string[]): string {
  const features = featureNames.filter((n) => p.features[n]).join(',')
  return [
    `chaos case failed — seed ${p.seed}, case ${caseIndex}`,
    `replay: OXIFLOW_CHAOS_DEFECTS=${features || 'none'} OXIFLOW_CHAOS_SEED=${p.seed} npx ava test/chaos/quick.test.ts   (or npm run chaos -- --seed ${p.seed} --defects ${features || 'none'})`,
    `plan: ${describePlan(plan)}`,
    describeSpec(p.spec),
    `spec: ${JSON.stringify(p.spec)}`,
    'differences:',
    ...problems.map((x) => `  ${x}`),
  ].join('\n')
}
