// sinks.jsonl has one writer and one target: parallel instances and a second writer are refused
// (issue 13, defect 4), and a restore that would continue the checkpoint's file elsewhere, or a
// file cut shorter than what was committed, is refused instead of padding it with NUL bytes (defect 11).
import test from 'ava'
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidOptionError, OxiflowError, pipeline, PipelineDefinitionError, sinks, sources } from '../../../index.ts'

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-jsonl-target-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('a jsonl sink with parallelism 2 is refused, naming the step and the file', (t) => {
  const p = pipeline('parallel-file')
  const e = t.throws(() => p.source('in', sources.iterable([1, 2])).sink('out', sinks.jsonl('out/result.jsonl'), { parallelism: 2 }),
    { instanceOf: InvalidOptionError })
  t.is(e!.message, "step 'out': jsonl(out/result.jsonl) takes one writer, so options.parallelism must be 1 (got 2); " +
    'parallel instances would each write the same target. Parallelise the steps before the sink instead')
})

test('one jsonl sink object written by two sink steps, or by a sink step and dead letters, is refused at run', (t) => {
  const out = sinks.jsonl('out/shared.jsonl')
  const p = pipeline('two-writers')
  p.source('a', sources.iterable([1])).sink('first', out)
  p.source('b', sources.iterable([2])).sink('second', out)
  const e = t.throws(() => p.run(), { instanceOf: PipelineDefinitionError })
  t.is(e!.message, "pipeline 'two-writers': jsonl(out/shared.jsonl) takes one writer but is written by step 'first' and by step 'second'; " +
    'two writers of one file overwrite each other. Join the branches with .union before one .sink, or give each its own sink')

  const q = pipeline('sink-and-dead-letters')
  q.source('a', sources.iterable([1])).map('m', (n) => n, { onError: { deadLetter: out } }).sink('out', out)
  t.throws(() => q.run(), { instanceOf: PipelineDefinitionError, message: /written by the dead letters of 'm' and by step 'out'/ })
})

test('parallel collect() instances keep every record', async (t) => {
  const p = pipeline('parallel-collect')
  p.source('in', sources.iterable(Array.from({ length: 1000 }, (_, i) => i))).sink('out', sinks.collect(), { parallelism: 2 })
  const s = await p.run({ batchSize: 16 }).done
  t.deepEqual([...(s.results.out as number[])].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i))
})

/** Runs a paced job writing `path` until a checkpoint committed some lines, then stops it (final checkpoint). */
async function stopAfterOutput(store: string, path: string): Promise<number> {
  const p = pipeline('moved-output')
  p.source('gen', sources.generator({ seed: 3, count: 100_000, rate: 5000 })).sink('out', sinks.jsonl(path))
  const job = p.run({ store, checkpointInterval: 50 })
  for (let i = 0; i < 400 && (await stat(path).catch(() => undefined))?.size === undefined; i++) await new Promise((r) => setTimeout(r, 10))
  for (let i = 0; i < 400 && ((await stat(path).catch(() => undefined))?.size ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 10))
  await job.stop()
  return (await stat(path)).size
}

function restore(store: string, path: string) {
  const p = pipeline('moved-output')
  p.source('gen', sources.generator({ seed: 3, count: 100_000, rate: 5000 })).sink('out', sinks.jsonl(path))
  return p.run({ store, checkpointInterval: 50, restore: 'latest' })
}

test('a restore whose jsonl path changed since the checkpoint is refused, naming the step and both paths; nothing is written', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  const first = join(dir, 'first.jsonl')
  const moved = join(dir, 'moved.jsonl')
  t.true(await stopAfterOutput(join(dir, 'store'), first) > 0)
  const job = restore(join(dir, 'store'), moved)
  const e = await t.throwsAsync(job.done, { instanceOf: OxiflowError })
  t.is(e!.name, 'SinkTargetChangedError')
  t.is(e!.code, 'ERR_SINK_TARGET_CHANGED')
  t.regex(e!.message, new RegExp(`^step 'out' \\(jsonl sink\\): the checkpoint continues '${first}' \\(\\d+ bytes committed\\) but the sink now writes '${moved}'; ` +
    'a restore appends to the file the checkpoint wrote — restore with the old path, or start without restore to write the new file from the start$'))
  const text = await readFile(moved, 'utf8').catch(() => '')
  t.false(text.includes('\0'), 'no NUL bytes in the new file')
  t.is(text, '')
})

test('a restore whose jsonl file was cut shorter than the checkpoint committed is refused', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  const path = join(dir, 'out.jsonl')
  const size = await stopAfterOutput(join(dir, 'store'), path)
  await truncate(path, 10)
  const e = await t.throwsAsync(restore(join(dir, 'store'), path).done, { instanceOf: OxiflowError })
  t.is(e!.name, 'SinkTargetChangedError')
  t.regex(e!.message, /out\.jsonl' has 10 bytes but the checkpoint committed \d+ bytes to it, so it was cut or replaced outside oxiflow/)
  t.true(size > 10)
  t.is((await stat(path)).size, 10, 'the file is left as found')
})

test('an unchanged path restores and continues the file', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  const path = join(dir, 'out.jsonl')
  await stopAfterOutput(join(dir, 'store'), path)
  const job = restore(join(dir, 'store'), path)
  await new Promise((r) => setTimeout(r, 300))
  await job.stop()
  const lines = (await readFile(path, 'utf8')).split('\n').slice(0, -1)
  t.true(lines.length > 0)
  const ids = lines.map((l) => (JSON.parse(l) as { id: number }).id)
  t.deepEqual(ids, ids.map((_, i) => i), 'one gapless run of the generator\'s records, none twice')
})

test('output files are created 0644 less the umask', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'mode.jsonl')
  const p = pipeline('mode')
  p.source('in', sources.iterable([1])).sink('out', sinks.jsonl(path))
  await p.run().done
  const umask = process.umask()
  t.is((await stat(path)).mode & 0o777, 0o644 & ~umask)
})

test('a jsonl sink (or dead-letter sink) writing the file a jsonl or csv source reads is refused at run, and the input is left as it was', async (t) => {
  const dir = await tempDir(t)
  const input = join(dir, 'in.jsonl')
  await writeFile(input, '{"a":1}\n{"a":2}\n')
  const cases: Array<[string, () => ReturnType<ReturnType<typeof pipeline>['run']>]> = [
    ["step 'out' (jsonl(", () => pipeline('same-file').source('in', sources.jsonl(input)).sink('out', sinks.jsonl(join(dir, '.', 'in.jsonl'))).run()],
    ["step 'out' (jsonl(", () => pipeline('same-csv').source('in', sources.csv(input)).sink('out', sinks.jsonl(input)).run()],
    ["the dead letters of 'm' (jsonl(", () => pipeline('same-dead').source('in', sources.jsonl(input)).map('m', (r) => r, { onError: { deadLetter: sinks.jsonl(input) } })
      .sink('out', sinks.collect()).run()],
  ]
  for (const [writer, run] of cases) {
    const e = t.throws(run, { instanceOf: PipelineDefinitionError })
    t.true(e!.message.includes(writer) && e!.message.includes("writes the file that step 'in' reads; the sink empties its file when the job starts"), e!.message)
  }
  t.is(await readFile(input, 'utf8'), '{"a":1}\n{"a":2}\n')
})
