import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PlanDescription } from '../../index.ts'
import { cliInProcess } from './run-cli.ts'

// The run record holds the plan of its run: `oxiflow plan`'s description, with the state the
// job's hosts registered — the same as `oxiflow plan` describes from the steps and the source's
// and sink's declarations, the source's position included.
// Oracles: the run's checkpoint manifest, and the record against `oxiflow plan` of the same module and workers.

const MODULE = 'test/fixtures/cli/plan-keyed.ts'

async function json(args: string[]): Promise<any> {
  const r = await cliInProcess(args)
  if (r.code !== 0) throw new Error(`oxiflow ${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout)
}

test('state show --json holds the plan of the run: oxiflow plan\'s, the source\'s position included; state show prints a line of it', async (t) => {
  t.timeout(90_000)
  const store = await mkdtemp(join(tmpdir(), 'oxiflow-plan-record-'))
  t.teardown(() => rm(store, { recursive: true, force: true }))
  const run = await cliInProcess(['run', MODULE, '--workers', '2', '--store', store])
  t.is(run.code, 0, run.stderr)
  const recorded = (await json(['state', 'show', 'plan-keyed', '--store', store, '--json'])).run.plan as PlanDescription
  const planned = await json(['plan', MODULE, '--workers', '2', '--format', 'json']) as PlanDescription
  t.deepEqual(recorded.actors, planned.actors)
  t.deepEqual(recorded.exchanges, planned.exchanges)
  t.deepEqual([recorded.workers, recorded.maxKeyGroups, recorded.pipelineId], [2, 128, 'plan-keyed'])
  // Every step as planned, state and restore levels included: the generator source declares the
  // position its reader registers, and collect() that it holds nothing (so no step has a note).
  t.deepEqual(recorded.steps, planned.steps)
  t.deepEqual(planned.restoreLevels, recorded.restoreLevels)
  t.deepEqual(planned.steps.map((s) => s.stateNote), [undefined, undefined, undefined])
  // The recorded state and levels are those of the run's checkpoint.
  const [latest] = await json(['checkpoints', 'list', 'plan-keyed', '--store', store, '--json'])
  const manifest = await json(['checkpoints', 'show', 'plan-keyed', String(latest.id), '--store', store])
  const fromManifest = new Map<string, [string, number]>(manifest.holders.map((h: { stateId: string; stateVersion: string; level: number }) => [h.stateId, [h.stateVersion, h.level]]))
  const fromRecord = new Map(recorded.steps.flatMap((s) => s.state.map((x) => [x.stateId, [x.version, x.restoreLevel]] as [string, [string, number]])))
  t.deepEqual([...fromRecord].sort(), [...fromManifest].sort())
  t.deepEqual(recorded.restoreLevels, [['events/position'], ['sums/accumulators']])
  const text = await cliInProcess(['state', 'show', 'plan-keyed', '--store', store])
  t.regex(text.stdout, /\n {2}plan {14}3 actors, 2 workers, 2 states in 2 restore levels/)
})
