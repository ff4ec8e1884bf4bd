// Dead letters are output: one sink step per dead-letter sink, written once whatever the worker
// count and however many steps name it (issue 13, defect 3).
import test from 'ava'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, PipelineDefinitionError, sinks, sources, type DeadLetter } from '../../../index.ts'
import keyed from '../../fixtures/dead-letters/keyed.ts'
import build, { failsCheck, letterKeys, readLetters, writeInput } from '../../fixtures/dead-letters/rejects.ts'

const fixture = new URL('../../fixtures/dead-letters/rejects.ts', import.meta.url).href
const LINES = 20_000

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-dead-letters-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test.serial('on 2 workers a split file\'s rejects and a map step\'s failures reach one dead-letter file: the inline run\'s letters, each once', async (t) => {
  t.timeout(90_000)
  const dir = await tempDir(t)
  const input = join(dir, 'in.jsonl')
  await writeInput(input, LINES)
  const inline = { input, out: join(dir, 'inline') }
  const onWorkers = { input, out: join(dir, 'workers') }
  await mkdir(inline.out)
  await mkdir(onWorkers.out)
  const expected = await build(inline).run().done
  const actual = await build(onWorkers).run({ workers: 2, module: fixture, params: onWorkers }).done

  // The oracle: a plain loop over the input.
  let torn = 0
  let failed = 0
  for (let i = 1; i <= LINES; i++) {
    if (i % 37 === 0) torn++
    else if (failsCheck(i)) failed++
  }
  t.is(expected.steps.lines.failed, torn)
  t.is(expected.steps.check.failed, failed)
  t.is(actual.steps.lines.failed, torn)
  t.is(actual.steps.check.failed, failed)
  const want = await readLetters(join(inline.out, 'dead.jsonl'))
  const got = await readLetters(join(onWorkers.out, 'dead.jsonl'))
  t.is(want.lines, torn + failed)
  t.is(got.notJson, 0, 'every dead-letter line is JSON (none torn by a second writer)')
  t.is(got.lines, torn + failed, 'one line per dead letter')
  t.deepEqual(letterKeys(got.letters), letterKeys(want.letters))
  const torn37 = got.letters.find((l) => l.step === 'lines' && l.record === '{"n":37,"k')
  t.truthy(torn37, 'the torn line 37 is a letter with its raw text')
  t.regex(torn37!.offset ?? '', /in\.jsonl line 37 byte \d+$/)
  const out = (await readFile(join(onWorkers.out, 'out.jsonl'), 'utf8')).split('\n').filter(Boolean)
  t.is(out.length, LINES - torn - failed)
})

test('one dead-letter sink named by two steps keeps both steps\' letters, in one file', async (t) => {
  t.timeout(20_000)
  const dir = await tempDir(t)
  const dead = sinks.jsonl<DeadLetter>(join(dir, 'dead.jsonl'))
  const p = pipeline('shared-dead-letters')
  p.source('in', sources.iterable([1, 2, 3, 4, 5, 6]))
    .map('a', (n) => { if (n === 2) throw new Error('a refuses 2'); return n }, { onError: { deadLetter: dead } })
    .map('b', (n) => { if (n === 5) throw new Error('b refuses 5'); return n }, { onError: { deadLetter: dead } })
    .sink('out', sinks.collect())
  const s = await p.run().done
  t.deepEqual(s.results.out, [1, 3, 4, 6])
  const letters = (await readLetters(join(dir, 'dead.jsonl'))).letters
  t.deepEqual(letters.map((l) => [l.step, l.record, l.error]).sort(), [['a', 2, 'a refuses 2'], ['b', 5, 'b refuses 5']])
})

test('a shared collect() dead-letter sink gives each step that named it its own letters', async (t) => {
  const dead = sinks.collect<DeadLetter>()
  const p = pipeline('shared-collect')
  p.source('in', sources.iterable([1, 2, 3]))
    .map('a', (n) => { if (n === 1) throw new Error('no 1'); return n }, { onError: { deadLetter: dead } })
    .map('b', (n) => { if (n === 3) throw new Error('no 3'); return n }, { onError: { deadLetter: dead } })
    .sink('out', sinks.collect())
  const s = await p.run().done
  const records = (l: unknown): unknown[] => (l as DeadLetter[]).map((d) => d.record).sort()
  // Each step's own (found from outside: each got the whole sink's, so adding them up counted every letter twice).
  t.deepEqual(records(s.deadLetters.a), [1])
  t.deepEqual(records(s.deadLetters.b), [3])
  t.false('a-dead-letter' in s.results, 'a dead-letter sink\'s result is not a main result')
  t.is(s.steps['a-dead-letter'].recordsIn, 2, 'the dead-letter sink is a step of its own, named after the first step naming it')
})

test('onError: { deadLetter, name } names the dead-letter step; a clash or two names for one sink are refused', async (t) => {
  const dead = sinks.collect<DeadLetter>()
  const named = pipeline('named-dead-letters')
  named.source('in', sources.iterable([1, 2])).map('a', (n) => { if (n === 2) throw new Error('no'); return n }, { onError: { deadLetter: dead, name: 'rejects' } })
    .sink('out', sinks.collect())
  const s = await named.run().done
  t.is(s.steps.rejects.recordsIn, 1)
  t.deepEqual((s.deadLetters.a as DeadLetter[]).map((l) => l.record), [2])

  const clash = pipeline('clash')
  clash.source('in', sources.iterable([1])).map('a', (n) => n, { onError: { deadLetter: dead } }).sink('a-dead-letter', sinks.collect())
  const e1 = t.throws(() => clash.run(), { instanceOf: PipelineDefinitionError })
  t.is(e1!.message, "pipeline 'clash': the dead-letter sink of step 'a' is a step named 'a-dead-letter', but that name is taken by a sink step; " +
    "name the dead-letter step with onError: { deadLetter, name: 'a-dead-letter-2' }")

  const twoNames = pipeline('two-names')
  twoNames.source('in', sources.iterable([1]))
    .map('a', (n) => n, { onError: { deadLetter: dead, name: 'x' } })
    .map('b', (n) => n, { onError: { deadLetter: dead, name: 'y' } }).sink('out', sinks.collect())
  const e2 = t.throws(() => twoNames.run(), { instanceOf: PipelineDefinitionError })
  t.is(e2!.message, "pipeline 'two-names': steps 'a' and 'b' send dead letters to the same sink (collect()) but name its step 'x' and 'y'; " +
    'give it one name, or name it on one step only')
  t.throws(() => pipeline('bad-name').source('in', sources.iterable([1])).map('a', (n) => n, { onError: { deadLetter: dead, name: 'no spaces' } }), {
    message: 'step \'a\': options.onError.name names the dead-letter step and must match [A-Za-z0-9_-]+ (got "no spaces")',
  })
})

test.serial('on 2 workers the failures of keyed instances (a reduce, a window) reach their one dead-letter sink: the inline run\'s letters', async (t) => {
  t.timeout(60_000)
  const inline = await keyed().run().done
  const onWorkers = await keyed().run({ workers: 2, module: new URL('../../fixtures/dead-letters/keyed.ts', import.meta.url).href }).done
  const records = (letters: unknown): string[] => (letters as DeadLetter[]).map((l) => JSON.stringify([l.step, l.error, l.record])).sort()
  const [sum, counts] = [records(inline.deadLetters.sum), records(inline.deadLetters.counts)]
  // The oracle: ids 0..3999, the reduce refuses multiples of 53, the window's time function multiples of 71.
  t.is(sum.length, Math.floor(3999 / 53) + 1)
  t.is(counts.length, Math.floor(3999 / 71) + 1)
  t.true([...sum, ...counts].every((l, i) => l.startsWith(JSON.stringify([i < sum.length ? 'sum' : 'counts']).slice(0, -1))), 'each step its own letters')
  t.deepEqual(records(onWorkers.deadLetters.sum), sum)
  t.deepEqual(records(onWorkers.deadLetters.counts), counts)
  t.is(onWorkers.steps['sum-dead-letter'].parallelism, 1)
})
