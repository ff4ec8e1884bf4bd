import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NonRestoredStateError, pipeline, sinks, sources, stores, type StateStore } from '../../index.ts'
import renamedStep from '../fixtures/cli/renamed-step.ts'
import { cliInProcess } from '../cli/run-cli.ts'

// Issue 13, defect 7: a stateful step renamed between a stop and a restore. Its state is in the
// checkpoint under the old name; the restore must refuse (naming it and the steps there are now)
// before any record flows, unless allowNonRestoredState drops it on purpose.

type Out = { key: string; value: number }

/** Runs the fixture with step `count`, stops it mid-stream; returns what it emitted. */
async function stoppedMidStream(store: StateStore | string): Promise<Out[]> {
  const first = renamedStep({ step: 'count' }).run({ store })
  // 1.5 s of input, stopped after 150 ms: mid-stream even on a loaded machine.
  await new Promise((r) => setTimeout(r, 150))
  const a = await first.stop()
  return a.results.out as Out[]
}

/** The oracle: the generator's keys in order, counted per key by a plain loop from `from` on, starting at zero. */
async function countedFrom(from: number): Promise<Out[]> {
  const records = (await pipeline('oracle').source('gen', sources.generator({ seed: 5, count: 30_000, keys: 7 })).sink('out', sinks.collect()).run().done).results.out as Array<{ key: string }>
  const keys = records.map((r) => r.key)
  const n = new Map<string, number>()
  return keys.slice(from).map((key) => { const v = (n.get(key) ?? 0) + 1; n.set(key, v); return { key, value: v } })
}

test('restore_renamed_step_refused: no record flows, the error names the orphaned state and the steps there are now', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  const a = await stoppedMidStream(store)
  t.true(a.length > 0 && a.length < 30_000, 'the stop came mid-stream')
  const job = renamedStep({ step: 'counter' }).run({ store, restore: 'latest' })
  const e = await t.throwsAsync(job.done, { instanceOf: NonRestoredStateError })
  t.deepEqual(e!.orphans.map((o) => o.step), ['count'])
  t.regex(e!.message, /holds state that no step of this pipeline has: 'count\/[^']+' \(step 'count'\)/)
  t.regex(e!.message, /steps with state now: .*'counter'/)
  t.regex(e!.message, /allowNonRestoredState: true \(CLI: --allow-non-restored-state\)/)
  // Refused before any record flowed: the sink got nothing.
  t.is(job.metrics().steps.out?.recordsIn ?? 0, 0)
})

test('restore_renamed_step_onWorkers_refused: the holders of every worker host are matched, nothing flows', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  await stoppedMidStream(store)
  const params = { step: 'counter' }
  const module = new URL('../fixtures/cli/renamed-step.ts', import.meta.url).href
  const job = renamedStep(params).run({ store, restore: 'latest', workers: 2, module, params })
  const e = await t.throwsAsync(job.done, { instanceOf: NonRestoredStateError })
  t.deepEqual(e!.orphans.map((o) => o.step), ['count'])
  t.true(e!.steps.includes('counter') && e!.steps.includes('gen'), e!.steps.join())
  t.false(e!.steps.includes('count'))
  t.is(job.metrics().steps.out?.recordsIn ?? 0, 0)
})

test('restore_renamed_step_allowed: allowNonRestoredState drops the old state, says so, and the step counts from zero', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  const a = await stoppedMidStream(store)
  const b = await renamedStep({ step: 'counter' }).run({ store, restore: 'latest', allowNonRestoredState: true }).done
  t.deepEqual(b.restore?.dropped?.map((d) => d.step), ['count'])
  t.regex(b.restore?.message ?? '', /dropped state of steps this pipeline lacks \(allowNonRestoredState\): 'count\//)
  // The source kept its position (its name did not change); the renamed count started afresh.
  t.deepEqual(b.results.out as Out[], await countedFrom(a.length))
})

test('restore_same_names: nothing is dropped and nothing refused', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  await stoppedMidStream(store)
  const b = await renamedStep({ step: 'count' }).run({ store, restore: 'latest' }).done
  t.is(b.restore?.dropped, undefined)
  t.is(b.status, 'completed')
})

test('CLI: run --restore latest after a rename exits 2 naming the state; --allow-non-restored-state runs and says what it dropped', async (t) => {
  t.timeout(120_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-renamed-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = join(dir, 'store')
  const a = await stoppedMidStream(store)
  const out = join(dir, 'out.jsonl')
  const args = (step: string, ...more: string[]) => ['run', 'test/fixtures/cli/renamed-step.ts', '--store', store, '--restore', 'latest',
    '--params', JSON.stringify({ step, out }), ...more]
  const refused = await cliInProcess(args('counter'))
  t.is(refused.code, 2, refused.stderr)
  t.regex(refused.stderr, /no step of this pipeline has: 'count\/[^']+' \(step 'count'\); steps with state now: .*'counter'/)
  t.regex(refused.stderr, /--allow-non-restored-state/)
  const allowed = await cliInProcess(args('counter', '--allow-non-restored-state'))
  t.is(allowed.code, 0, allowed.stderr)
  t.regex(allowed.stderr, /dropped state of steps this pipeline lacks \(allowNonRestoredState\): 'count\//)
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Out)
  t.deepEqual(lines, await countedFrom(a.length))
})
