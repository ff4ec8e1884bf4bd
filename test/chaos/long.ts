// `npm run chaos [-- --minutes 30] [--seed S] [--cases 3] [--defects all|name,…]`: generates
// pipelines and fault plans for as long as asked, prints each failure (seed, plan, pipeline,
// differences) as it happens and the counts at the end. Exit code 1 when any case failed.
// Environment equivalents: OXIFLOW_CHAOS_MINUTES, OXIFLOW_CHAOS_SEED, OXIFLOW_CHAOS_DEFECTS;
// OXIFLOW_CHAOS_KEEP=1 keeps every case's directory (store, outputs) for a look afterwards.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultFeatures, parseFeatures } from './features.ts'
import { cleanup, plansOf, prepare, report, runCase } from './harness.ts'

const { values } = parseArgs({ options: { minutes: { type: 'string' }, seed: { type: 'string' }, cases: { type: 'string' }, defects: { type: 'string' } } })
const minutes = Number(values.minutes ?? process.env.OXIFLOW_CHAOS_MINUTES ?? 5)
const only = values.seed ?? process.env.OXIFLOW_CHAOS_SEED
const cases = Number(values.cases ?? 3)
const features = parseFeatures(values.defects ?? process.env.OXIFLOW_CHAOS_DEFECTS ?? defaultFeatures)
const until = Date.now() + minutes * 60_000
const counts = { pipelines: 0, faults: 0, cases: 0, failures: 0 }
const failedSeeds: number[] = []

console.error(`chaos: ${only === undefined ? `${minutes} min` : `seed ${only}`}, ${cases} cases per pipeline, features ${JSON.stringify(features)}`)
while (only !== undefined ? counts.pipelines === 0 : Date.now() < until) {
  const seed = only !== undefined ? Number(only) : Math.floor(Math.random() * 2 ** 31)
  const p = await prepare(seed, features)
  counts.pipelines++
  try {
    for (const [i, plan] of plansOf(seed, features, cases).entries()) {
      const caseDir = await mkdtemp(join(tmpdir(), `oxiflow-chaos-case-${seed}-${i}-`))
      try {
        const r = await runCase(p, plan, caseDir)
        counts.cases++
        counts.faults += r.faults
        if (r.problems.length) {
          counts.failures++
          failedSeeds.push(seed)
          console.error(`\n${report(p, i, plan, r.problems)}\n`)
        }
      } finally {
        if (process.env.OXIFLOW_CHAOS_KEEP) console.error(`kept ${caseDir}`)
        else await rm(caseDir, { recursive: true, force: true })
      }
    }
  } finally {
    if (process.env.OXIFLOW_CHAOS_KEEP) console.error(`kept ${p.dir}`)
    else await cleanup(p)
  }
  console.error(`chaos: ${counts.pipelines} pipelines, ${counts.cases} cases, ${counts.faults} faults injected, ${counts.failures} failures`)
}
console.log(JSON.stringify({ ...counts, failedSeeds: [...new Set(failedSeeds)] }))
process.exitCode = counts.failures > 0 ? 1 : 0
