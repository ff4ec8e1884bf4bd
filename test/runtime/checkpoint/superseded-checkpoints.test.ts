import test from 'ava'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkpoints, pipeline, sinks, sources, stores, type Job, type JobSummary, type StateStore } from '../../../index.ts'
import { PipelineCheckpoints } from '../../../persistence/checkpoints/pipeline-checkpoints.ts'
import { cliInProcess } from '../../cli/run-cli.ts'

// A run that goes back past committed checkpoints — 'latest' skipping damaged ones, a restore by
// id, a fresh start — marks them superseded. Before, retention counted them: after restoring 2
// past damaged 3 and 4, the run's checkpoints 5 and 6 kept 6, 5, 4 and deleted 2, so damage to
// 6 and 5 started the job fresh. And 'latest' took them as fallbacks: after a restore by id of 2,
// damage to the run's own checkpoints restored 4, a checkpoint of the abandoned history, whose
// sink offset cut the new output mid-line.

/** Enough input that a paced run never reaches its end before the test stops it, even on a starved machine (10 s at 20,000/s). */
const COUNT = 200_000

/**
 * A keyed count into a JSONL file (collected without `out`); `tag` stands for the pipeline's
 * version (its output differs per version). Paced, so a test's checkpoints fall mid-input; `fast`:
 * unpaced, for a run that goes to the end (a generator's position does not depend on its rate).
 */
const counted = (out: string | undefined, tag: string, fast = false) => pipeline('superseded')
  .source('gen', sources.generator({ seed: 5, count: COUNT, ...(!fast && { rate: 20_000 }), keys: 7 }))
  .keyBy((r) => r.key)
  .reduce('count', (n: number) => n + 1, () => 0)
  .map('tag', (o: { key: string; value: number }) => ({ ...o, tag }))
  .sink('out', out === undefined ? sinks.collect() : sinks.jsonl(out))

/** Runs `job` until `n` checkpoints were taken on demand, then stops it (its stop takes one more); its summary. */
async function checkpointsThenStop(job: Job, n: number): Promise<JobSummary> {
  await running(job)
  for (let i = 0; i < n; i++) {
    await sleep(60)
    await job.checkpoint()
  }
  return job.stop()
}

/** Waits until `job` runs: a checkpoint asked for before (its restore can take a while on a loaded machine) is refused. */
async function running(job: Job): Promise<void> {
  const deadline = Date.now() + 30_000
  while (job.metrics().status === 'starting') {
    if (Date.now() > deadline) throw new Error(`job '${job.pipelineId}' still starting after 30 s`)
    await sleep(10)
  }
}

/** Deletes the count step's blob of checkpoint `id`: a restore of it fails ('missing'). */
async function damage(store: StateStore, id: number): Promise<void> {
  const manifest = await new PipelineCheckpoints(store, 'superseded').read(id)
  await store.delete(manifest.holders.find((h) => h.step === 'count')!.blob)
}

async function setUp(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-superseded-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return { dir, store: stores.file(join(dir, 'store')), out: join(dir, 'out.jsonl') }
}

type Line = { key: string; value: number; tag: string }
const lines = async (out: string): Promise<Line[]> => (await readFile(out, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line)

/** The oracle: every record once, so each key's last count is its total over the generator's records. */
async function totals(): Promise<Map<string, number>> {
  const records = (await pipeline('oracle').source('gen', sources.generator({ seed: 5, count: COUNT, keys: 7 })).sink('out', sinks.collect()).run().done).results.out as Array<{ key: string }>
  const m = new Map<string, number>()
  for (const r of records) m.set(r.key, (m.get(r.key) ?? 0) + 1)
  return m
}

test('latest past damaged 3 and 4 restores 2 and marks them; retention keeps 2, so damaged 6 and 5 fall back to 2, not to a fresh start', async (t) => {
  t.timeout(60_000)
  const { store, out } = await setUp(t)
  await checkpointsThenStop(counted(out, 'v1').run({ store, retain: 10 }), 3) // 1, 2, 3, and the stop's 4
  await damage(store, 3)
  await damage(store, 4)
  const second = await checkpointsThenStop(counted(out, 'v1').run({ store, restore: 'latest' }), 1) // 5, and the stop's 6; retain 3
  t.is(second.restore?.checkpointId, 2)
  const listed = await checkpoints(store, 'superseded').list()
  t.deepEqual(listed.map((c) => [c.id, c.superseded !== undefined]), [[6, false], [5, false], [4, true], [3, true], [2, false]])
  t.regex(listed.find((c) => c.id === 4)!.superseded!, /^superseded: a run restored checkpoint 2, which does not descend from it \(\d{4}-/)
  await damage(store, 6)
  await damage(store, 5)
  const third = await counted(out, 'v1', true).run({ store, restore: 'latest' }).done
  t.is(third.restore?.checkpointId, 2, third.restore?.message)
  t.deepEqual(third.restore?.skipped.map((s) => s.id), [6, 5, 4, 3])
  t.regex(third.restore?.message ?? '', /skipped checkpoint 4: superseded: a run restored checkpoint 2, which does not descend from it/)
  const got = await lines(out)
  t.is(got.length, COUNT)
  const last = new Map(got.map((l) => [l.key, l.value]))
  t.deepEqual([...last].sort(), [...await totals()].sort())
})

test('a restore by id marks the newer checkpoints: damaged 6 and 5 of the new version fall back to 2, not to 4 of the old history', async (t) => {
  t.timeout(60_000)
  const { store, out } = await setUp(t)
  await checkpointsThenStop(counted(out, 'v1').run({ store, retain: 10 }), 3) // 1, 2, 3, and the stop's 4
  // A new version of the pipeline, restored by id from 2 (to reprocess with the fix): its lines are longer.
  await checkpointsThenStop(counted(out, 'v2-with-a-longer-tag').run({ store, restore: 2, retain: 10 }), 1) // 5, and the stop's 6
  await damage(store, 6)
  await damage(store, 5)
  const third = await counted(out, 'v2-with-a-longer-tag', true).run({ store, restore: 'latest' }).done
  t.is(third.restore?.checkpointId, 2, third.restore?.message)
  // Exactly once, every line whole: v1's up to checkpoint 2, the new version's after. Restored
  // from 4, the file was cut at v1's offset of 4, inside a longer v2 line.
  const got = await lines(out)
  t.is(got.length, COUNT)
  const firstV2 = got.findIndex((l) => l.tag !== 'v1')
  t.true(firstV2 > 0)
  t.true(got.slice(firstV2).every((l) => l.tag === 'v2-with-a-longer-tag'))
  t.deepEqual([...new Map(got.map((l) => [l.key, l.value]))].sort(), [...await totals()].sort())
})

test('a restore by id of a superseded checkpoint takes the marks off its line; a fresh start marks every checkpoint', async (t) => {
  // Collected output: a JSONL target cut by the run from 1 refuses a restore of 3 (SinkTargetChangedError).
  t.timeout(60_000)
  const { store } = await setUp(t)
  await checkpointsThenStop(counted(undefined, 'v1').run({ store, retain: 10 }), 2) // 1, 2, and the stop's 3
  await checkpointsThenStop(counted(undefined, 'v1').run({ store, restore: 1, retain: 10 }), 0) // the stop's 4; 2 and 3 marked
  const superseded = async () => (await checkpoints(store, 'superseded').list()).filter((c) => c.superseded !== undefined).map((c) => c.id)
  t.deepEqual(await superseded(), [3, 2])
  await checkpointsThenStop(counted(undefined, 'v1').run({ store, restore: 3, retain: 10 }), 0) // the stop's 5; on 3's line again: 3, 2, 1
  t.deepEqual(await superseded(), [4])
  await checkpointsThenStop(counted(undefined, 'v1').run({ store, retain: 10 }), 0) // fresh: the stop's 6; all before it marked
  t.deepEqual(await superseded(), [5, 4, 3, 2, 1])
  t.regex((await checkpoints(store, 'superseded').list()).find((c) => c.id === 5)!.superseded!, /^superseded: a run started fresh after it/)
  const latest = await counted(undefined, 'v1', true).run({ store, restore: 'latest' }).done
  t.is(latest.restore?.checkpointId, 6)
})

test('restores by id that switch between two histories leave only the restored line unmarked: damaged 10 and 5 fall back to 2, not to 4 of the other history', async (t) => {
  // Found from outside: a restore by id took the mark off the checkpoint it restored and marked
  // only newer ones, so a checkpoint of the other history below it (4) stayed a fallback, and
  // 'latest' restored it (with a JSONL sink the file was cut at its offset, inside a longer
  // line; the sink now refuses that: see the next test). Collected output here.
  t.timeout(90_000)
  const { store } = await setUp(t)
  const B = 'v2-with-a-longer-tag'
  await checkpointsThenStop(counted(undefined, 'v1').run({ store, retain: 20 }), 3) // A: 1, 2, 3, and the stop's 4
  await checkpointsThenStop(counted(undefined, B).run({ store, restore: 2, retain: 20 }), 0) // B: the stop's 5
  await checkpointsThenStop(counted(undefined, B).run({ store, restore: 5, retain: 20 }), 2) // B: 6, 7, and the stop's 8
  await checkpointsThenStop(counted(undefined, 'v1').run({ store, restore: 4, retain: 20 }), 0) // A again: the stop's 9
  await checkpointsThenStop(counted(undefined, B).run({ store, restore: 5, retain: 20 }), 0) // B again: the stop's 10
  const listed = await checkpoints(store, 'superseded').list()
  t.deepEqual(listed.filter((c) => c.superseded === undefined).map((c) => c.id), [10, 5, 2, 1])
  t.deepEqual(listed.map((c) => [c.id, c.ok ? c.previous : undefined]), [[10, 5], [9, 4], [8, 7], [7, 6], [6, 5], [5, 2], [4, 3], [3, 2], [2, 1], [1, null]])
  await damage(store, 10)
  await damage(store, 5)
  const last = await counted(undefined, B, true).run({ store, restore: 'latest', retain: 20 }).done
  t.is(last.restore?.checkpointId, 2, last.restore?.message)
  t.deepEqual(last.restore?.skipped.map((s) => s.id), [10, 9, 8, 7, 6, 5, 4, 3])
})

test('JSONL: a restore by id of a checkpoint of another history is refused, the file untouched, the marks unchanged', async (t) => {
  // Its file's end before the checkpoint's committed length holds the other history's lines: cut
  // there, the output would end mid-line (SinkTargetChangedError, before any record flows).
  t.timeout(60_000)
  const { store, out } = await setUp(t)
  await checkpointsThenStop(counted(out, 'v1').run({ store, retain: 20 }), 3) // A: 1, 2, 3, and the stop's 4
  const committedByA = (await stat(out)).size // 4's committed length
  // B: 5, 6, … until its file reaches past 4's committed length (or the restore of 4 is refused
  // for a short file, another check); on a loaded machine 2 checkpoints' time was not enough.
  const b = counted(out, 'v2-with-a-longer-tag').run({ store, restore: 2, retain: 20 })
  await running(b)
  for (let i = 0; (await stat(out)).size <= committedByA + 1024; i++) {
    if (i === 50) throw new Error(`B's file still at most ${committedByA + 1024} bytes after 50 checkpoints`)
    await sleep(60)
    await b.checkpoint()
  }
  await b.stop()
  const file = await readFile(out)
  const marks = (await checkpoints(store, 'superseded').list()).map((c) => [c.id, c.superseded !== undefined])
  const e = await t.throwsAsync(counted(out, 'v1').run({ store, restore: 4, retain: 20 }).done)
  t.is((e as { code?: string }).code, 'ERR_SINK_TARGET_CHANGED', String(e))
  t.regex(e!.message, /does not hold what the checkpoint committed to it/)
  t.deepEqual(await readFile(out), file)
  t.deepEqual((await checkpoints(store, 'superseded').list()).map((c) => [c.id, c.superseded !== undefined]), marks)
})

test('CLI: checkpoints list shows why a checkpoint is superseded', async (t) => {
  t.timeout(60_000)
  const { dir, store, out } = await setUp(t)
  await checkpointsThenStop(counted(out, 'v1').run({ store, retain: 10 }), 1) // 1, and the stop's 2
  await checkpointsThenStop(counted(out, 'v1').run({ store, restore: 1, retain: 10 }), 0) // the stop's 3; 2 marked
  await store.close()
  const r = await cliInProcess(['checkpoints', 'list', 'superseded', '--store', join(dir, 'store')])
  t.is(r.code, 0, r.stderr)
  const rows = r.stdout.trim().split('\n')
  t.is(rows.length, 3)
  t.regex(rows[0]!, /^3\t.*\tafter 1$/)
  t.regex(rows[1]!, /^2\t.*\tafter 1\tsuperseded: a run restored checkpoint 1, which does not descend from it \(/)
  t.regex(rows[2]!, /^1\t.*\tfresh start$/)
  t.notRegex(rows[0]! + rows[2]!, /superseded/)
})
