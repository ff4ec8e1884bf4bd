// Incremental checkpoints end to end (issue 16, part 3): a keyed count whose holder writes only
// the keys changed since the last committed checkpoint, run in phases — each restores the latest
// checkpoint, takes a random number of checkpoints (full or changes as fullEvery and
// maxChainRatio decide), and stops (its final checkpoint) — with the step's parallelism or the
// worker count changing between phases (1 → 3 → 2). The phases' output joined equals a plain
// loop's over the same records, per key in order.
import test from 'ava'
import fc from 'fast-check'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { checkpoints, pipeline, sinks, sources, stores, type JobSummary, type StateStore } from '../../../index.ts'
import build, { oracle, taken, type Params } from '../../fixtures/incremental/keyed-counts.ts'

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/incremental/keyed-counts.ts')).href

type Out = { key: string; n: number }

/** The generator's records, read by a pipeline without state (the oracle's input). */
async function recordsOf(p: Params): Promise<Array<{ key: string; value: number }>> {
  const q = pipeline('records')
  q.source('gen', sources.generator({ seed: p.seed, count: p.count, keys: p.keys })).sink('out', sinks.collect())
  return (await q.run().done).results.out as Array<{ key: string; value: number }>
}

/**
 * The keys whose counts differ, the first few shown in full: a failure's report stays short
 * enough that the phases' notes in front of it survive a CI log's tail.
 */
function differences(got: Record<string, number[]>, expected: Record<string, number[]>): string[] {
  const keys = [...new Set([...Object.keys(got), ...Object.keys(expected)])]
  return keys.filter((k) => JSON.stringify(got[k]) !== JSON.stringify(expected[k]))
    .map((k, i) => (i < 3 ? `${k}: got [${got[k]?.join(',') ?? ''}], expected [${expected[k]?.join(',') ?? ''}]` : k))
}

function perKey(out: readonly Out[]): Record<string, number[]> {
  const by: Record<string, number[]> = {}
  for (const o of out) (by[o.key] ??= []).push(o.n)
  return Object.fromEntries(Object.entries(by).sort(([a], [b]) => (a < b ? -1 : 1)))
}

interface Phase { checkpoints: number; pauseMs: number }

/** One phase: restore latest, take `checkpoints` checkpoints (a pause before each), stop; the last phase runs to its end. */
async function runPhase(params: Params, store: StateStore, phase: Phase, last: boolean, incremental: { fullEvery: number; maxChainRatio: number },
  workers = 0): Promise<{ summary: JobSummary; restoredChanges: boolean; steps: string[] }> {
  // The checkpoint this phase restores (the newest: nothing here corrupts one), read before the
  // phase's own checkpoints let retention delete it.
  const [newest] = await checkpoints(store, 'incremental').list()
  const newestChanges = newest?.ok === true &&
    (await checkpoints(store, 'incremental').show(newest.id)).holders.some((h) => h.snapshot === 'changes')
  const job = build(params).run({ store, restore: 'latest', incremental, checkpointTimeout: 20_000, ...(workers > 0 && { workers, module, params }) })
  const steps: string[] = []
  const within = <T>(what: string, p: Promise<T>): Promise<T> => Promise.race([p, sleep(30_000).then((): never => {
    throw new Error(`${what} not done after 30 s (workers ${workers}; ${steps.join(', ')})`)
  })])
  await within('start', (async () => { while (job.metrics().status === 'starting') await sleep(2) })())
  for (let i = 0; i < phase.checkpoints; i++) {
    await sleep(phase.pauseMs)
    // The input may be exhausted already: then there is nothing left to checkpoint.
    if (job.metrics().status !== 'running') break
    steps.push(String(await within('checkpoint', job.checkpoint()).then((c) => c.id, (e: Error) => e.message)))
  }
  const summary = await within(last ? 'the end' : 'stop', last ? job.done : job.stop())
  return { summary, restoredChanges: newestChanges && summary.restore?.checkpointId === newest.id, steps }
}

const phaseArb = fc.record({ checkpoints: fc.integer({ min: 0, max: 6 }), pauseMs: fc.integer({ min: 0, max: 15 }) })

test('incremental checkpoints, parallelism 1 → 3 → 2 between stops: joined output = the plain loop, per key in order', async (t) => {
  t.timeout(240_000)
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  const before = { ...taken }
  let restoredFromChanges = 0
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 40 }), fc.array(phaseArb, { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 1, max: 5 }), fc.constantFrom(0.25, 1, 100),
    async (genSeed, keys, phases, fullEvery, maxChainRatio) => {
      const params: Params = { seed: genSeed, count: 3000, keys, rate: 40_000 }
      const expected = perKey(oracle(await recordsOf(params)))
      const store = stores.memory()
      const out: Out[] = []
      for (const [i, phase] of phases.entries()) {
        const r = await runPhase({ ...params, parallelism: [1, 3, 2][i]! }, store, phase, i === phases.length - 1, { fullEvery, maxChainRatio })
        out.push(...r.summary.results.out as Out[])
        if (r.restoredChanges) restoredFromChanges++
      }
      const wrong = differences(perKey(out), expected)
      t.deepEqual(wrong, [], `${wrong.length} keys differ; phases ${JSON.stringify(phases)}, fullEvery ${fullEvery}, maxChainRatio ${maxChainRatio}`)
    }), { seed, numRuns: 25 })
  t.log(`changes written ${taken.changes - before.changes}, full snapshots ${taken.full - before.full}, restores from a chain ${restoredFromChanges}`)
  t.true(taken.changes > before.changes, 'some checkpoints wrote changes')
  t.true(restoredFromChanges > 0, 'some phase restored a chain (full + changes)')
})

test('incremental checkpoints on workers 1 → 3 → 2 between stops: joined output = the plain loop, per key in order', async (t) => {
  t.timeout(240_000)
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  let restoredFromChanges = 0
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 500, max: 3000 }), fc.array(phaseArb, { minLength: 3, maxLength: 3 }),
    async (genSeed, keys, phases) => {
      const params: Params = { seed: genSeed, count: 6000, keys, rate: 20_000 }
      const expected = perKey(oracle(await recordsOf(params)))
      const store = stores.memory()
      const out: Out[] = []
      const notes: string[] = []
      for (const [i, phase] of phases.entries()) {
        const r = await runPhase(params, store, { ...phase, checkpoints: Math.max(2, phase.checkpoints) }, i === phases.length - 1,
          { fullEvery: 4, maxChainRatio: 100 }, [1, 3, 2][i]!)
        const c = r.summary.checkpoints
        notes.push(`workers ${[1, 3, 2][i]}: ${r.summary.status}, from ${r.summary.restore?.checkpointId ?? 'none'}, ` +
          `checkpoints ${r.steps.join(' ')}, last ${c?.last?.id}`)
        t.log(`workers ${[1, 3, 2][i]}: ${r.summary.status}, ${r.summary.restore?.message ?? 'fresh'}${r.restoredChanges ? ' (a chain)' : ''}; ` +
          `checkpoints ${r.steps.join(' ')}, last ${c?.last?.id}, failed ${c?.failed}, abandoned ${c?.abandoned}${c?.lastError ? ` (${c.lastError})` : ''}`)
        out.push(...r.summary.results.out as Out[])
        if (r.restoredChanges) restoredFromChanges++
      }
      const wrong = differences(perKey(out), expected)
      t.deepEqual(wrong, [], `${wrong.length} keys differ; phases ${JSON.stringify(phases)}: ${notes.join(' | ')}`)
    }), { seed, numRuns: 3 })
  t.log(`restores from a chain ${restoredFromChanges}`)
  t.true(restoredFromChanges > 0, 'some phase restored a chain (full + changes) on workers')
})
