// The quick profile of the differential fault harness (test/chaos/harness.ts): a few generated
// pipelines, each run inline as the oracle and then under two fault plans as real `oxiflow run`
// processes (workers, SIGKILL at random moments and at fault points, SIGTERM, --restore latest).
// Replay one pipeline: OXIFLOW_CHAOS_SEED=<seed> npx ava test/chaos/quick.test.ts; longer runs:
// npm run chaos -- --minutes 30.
import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultFeatures, parseFeatures } from './features.ts'
import { cleanup, plansOf, prepare, report, runCase } from './harness.ts'
import { describePlan } from './plan.ts'

const features = parseFeatures(process.env.OXIFLOW_CHAOS_DEFECTS ?? defaultFeatures)
// Fixed seeds, so `npm test` is repeatable; `npm run chaos` draws new ones.
const seeds = process.env.OXIFLOW_CHAOS_SEED ? [Number(process.env.OXIFLOW_CHAOS_SEED)] : [2, 3, 4, 5, 6, 17]
const casesPerPipeline = 2

for (const seed of seeds) {
  test.serial(`generated pipeline (seed ${seed}): output, dead letters and run record equal the inline oracle's under ${casesPerPipeline} fault plans`, async (t) => {
    // Each child run is under a watchdog (at most 60 s, far less when stuck); a case has at most a few runs.
    t.timeout(300_000)
    const p = await prepare(seed, features)
    t.teardown(() => cleanup(p))
    for (const [i, plan] of plansOf(seed, features, casesPerPipeline).entries()) {
      const caseDir = await mkdtemp(join(tmpdir(), `oxiflow-chaos-case-${seed}-${i}-`))
      t.teardown(() => rm(caseDir, { recursive: true, force: true }))
      const r = await runCase(p, plan, caseDir)
      t.log(`case ${i}: ${describePlan(plan)} — ${r.runs} runs, ${r.faults} faults injected`)
      if (r.problems.length) t.fail(report(p, i, plan, r.problems))
      else t.pass()
    }
  })
}
