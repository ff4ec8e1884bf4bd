// Late records are output (issue 13, defect 3, for `.lateTo`): one sink step per late sink, written
// once whatever the worker count; a step's dead letters are the same inline and on workers, offsets
// included.
import test from 'ava'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agg, pipeline, PipelineDefinitionError, sinks, sources, windows, type DeadLetter } from '../../../index.ts'
import build, { checkFails, isLate, readLines, timeFails, writeInput } from '../../fixtures/late/late-windows.ts'

const fixture = new URL('../../fixtures/late/late-windows.ts', import.meta.url).href
const LINES = 20_000

test.serial('keyed event-time windows on 2 workers: the late file holds the inline run\'s late records, each once; out and dead letters (offsets included) equal too', async (t) => {
  t.timeout(90_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-late-records-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const input = join(dir, 'in.jsonl')
  await writeInput(input, LINES)
  const inline = { input, out: join(dir, 'inline') }
  const onWorkers = { input, out: join(dir, 'workers') }
  await mkdir(inline.out)
  await mkdir(onWorkers.out)
  const expected = await build(inline).run().done
  const actual = await build(onWorkers).run({ workers: 2, module: fixture, params: onWorkers }).done
  t.is(actual.steps.per20.parallelism, 2, 'the keyed window runs as two instances')

  // The plain-loop oracle of the late records and the failures.
  const late: number[] = []
  let failed = 0
  for (let i = 1; i <= LINES; i++) {
    if (checkFails(i)) failed++
    else if (isLate(i)) late.push(i)
    else if (timeFails(i)) failed++
  }
  const want = await readLines(join(inline.out, 'late.jsonl'))
  t.deepEqual(want.sorted.map((l) => (JSON.parse(l) as { id: number }).id).sort((a, b) => a - b), late, 'the inline run\'s late records are the oracle\'s')
  t.is(expected.steps.per20.late, late.length)
  t.is(actual.steps.per20.late, late.length)

  const got = await readLines(join(onWorkers.out, 'late.jsonl'))
  t.is(got.notJson, 0, 'no late line torn by a second writer')
  t.is(got.lines, late.length, 'one line per late record')
  t.deepEqual(got.sorted, want.sorted)
  t.is(actual.steps['per20-late'].recordsIn, late.length, 'the late sink is a step of its own')

  const wantDead = await readLines(join(inline.out, 'dead.jsonl'))
  const gotDead = await readLines(join(onWorkers.out, 'dead.jsonl'))
  t.is(wantDead.lines, failed)
  t.deepEqual(gotDead.sorted, wantDead.sorted, 'the same dead letters, offsets included (a step\'s letters have none)')
  t.false(gotDead.sorted.some((l) => 'offset' in (JSON.parse(l) as DeadLetter)))
  t.deepEqual((await readLines(join(onWorkers.out, 'out.jsonl'))).sorted, (await readLines(join(inline.out, 'out.jsonl'))).sorted)
})

test('a late sink is a step named <window step>-late; a collect() one gives its records under that name; one sink object for late records and dead letters is one step', async (t) => {
  t.timeout(20_000)
  const rec = (k: string, t: number, id: number) => ({ k, t, id })
  const input = [rec('a', 100, 1), rec('a', 250, 2), rec('a', 120, 3), rec('b', 10, 4), rec('a', 199, 5)]
  const shared = sinks.collect<unknown>()
  const p = pipeline('late-names')
  p.source('in', sources.iterable(input))
    .map('m', (r) => { if (r.id === 4) throw new Error('no 4'); return r }, { onError: { deadLetter: shared as never } })
    .keyBy((r) => r.k)
    .window('w', windows.tumbling({ size: 100, time: (r: { t: number }) => r.t })).lateTo(shared)
    .aggregate('per100', { n: agg.count() })
    .sink('out', sinks.collect())
  const s = await p.run().done
  // One step for the shared sink, named after the first step sending to it.
  t.is(s.steps['m-dead-letter'].recordsIn, 3)
  t.false('per100-late' in s.steps)
  const ids = (records: unknown): number[] => (records as { record?: { id: number }; id?: number }[]).map((l) => l.record?.id ?? l.id!).sort()
  t.deepEqual(ids(s.results['m-dead-letter']), [3, 4, 5], 'late records make it a result under its own name')
  t.deepEqual(ids(s.deadLetters.m), [3, 4, 5], 'the dead letter of 4 and the late records 3 and 5, in one sink')

  const q = pipeline('late-only')
  q.source('in', sources.iterable(input)).keyBy((r) => r.k)
    .window('w', windows.tumbling({ size: 100, time: (r: { t: number }) => r.t })).lateTo(sinks.collect())
    .aggregate('per100', { n: agg.count() }).sink('out', sinks.collect())
  const r = await q.run().done
  // Inline one instance sees both keys: the watermark 249 makes 120, b's 10 and 199 late.
  t.deepEqual(r.results['per100-late'], [input[2], input[3], input[4]])
  t.is(r.steps.per100.late, 3)
})

test('a late jsonl sink that is also a .sink step\'s, or a step name taken, is refused naming both', (t) => {
  t.timeout(10_000)
  const file = sinks.jsonl('late-refused/shared.jsonl')
  const p = pipeline('late-two-writers')
  p.source('in', sources.iterable([{ k: 'a', t: 1 }])).keyBy((r) => r.k)
    .window('w', windows.tumbling({ size: 10, time: (r: { t: number }) => r.t })).lateTo(file)
    .aggregate('agg', { n: agg.count() }).sink('out', file as never)
  const e = t.throws(() => p.run(), { instanceOf: PipelineDefinitionError })
  t.is(e!.message, "pipeline 'late-two-writers': jsonl(late-refused/shared.jsonl) takes one writer but is written by the late records of 'agg' and by step 'out'; " +
    'two writers of one file overwrite each other. Join the branches with .union before one .sink, or give each its own sink')

  const q = pipeline('late-clash')
  q.source('in', sources.iterable([{ k: 'a', t: 1 }])).keyBy((r) => r.k)
    .window('w', windows.tumbling({ size: 10, time: (r: { t: number }) => r.t })).lateTo(sinks.collect())
    .aggregate('agg', { n: agg.count() }).sink('agg-late', sinks.collect())
  const c = t.throws(() => q.run(), { instanceOf: PipelineDefinitionError })
  t.is(c!.message, "pipeline 'late-clash': the late-record sink of step 'agg' is a step named 'agg-late', but that name is taken by a sink step; " +
    "rename step 'agg-late' or the window step 'agg'")
})
