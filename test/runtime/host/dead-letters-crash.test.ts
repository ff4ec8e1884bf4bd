// Dead letters are exactly-once across kills, restores and rescaling (issue 13, defect 3b): a real
// child process is SIGKILLed once a checkpoint committed letters, restored with another worker
// count and killed again, then restored to the end; the dead-letter file must hold the letters of
// one uninterrupted inline run, each once, with the torn lines' true file line and byte.
import test from 'ava'
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runKilledPast } from '../../fixtures/crash/run-killed-past.ts'
import build, { letterKeys, readLetters, writeInput } from '../../fixtures/dead-letters/rejects.ts'

const LINES = 30_000

/** Runs the fixture through the CLI; with `killPast`, SIGKILLs it once dead.jsonl is bigger than that many bytes. */
function run(dir: string, workers: number, killPast?: number): Promise<number | string> {
  return runKilledPast({ module: 'test/fixtures/dead-letters/rejects.ts', dir, workers, params: { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), paceMs: 40 }, watch: join(dir, 'out', 'dead.jsonl'), killPast })
}

test.serial('SIGKILL on 2 workers, restore on 1 and SIGKILL again, restore on 3: every dead letter once, as the inline run wrote them', async (t) => {
  t.timeout(180_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-dead-letters-crash-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'out'))
  await mkdir(join(dir, 'oracle'))
  await writeInput(join(dir, 'in.jsonl'), LINES)
  await build({ input: join(dir, 'in.jsonl'), out: join(dir, 'oracle') }).run().done
  const expected = await readLetters(join(dir, 'oracle', 'dead.jsonl'))

  t.is(await run(dir, 2, 0), 'SIGKILL', 'the run on 2 workers must be killed once a checkpoint committed letters')
  const first = (await stat(join(dir, 'out', 'dead.jsonl'))).size
  t.is(await run(dir, 1, first), 'SIGKILL', 'the restored run on 1 worker must be killed once it committed more letters')
  const second = await readLetters(join(dir, 'out', 'dead.jsonl'))
  t.log(`killed with ${second.lines} of ${expected.lines} letters committed`)
  t.true(second.lines < expected.lines, 'the second kill must fall in the middle of the input')
  t.is(await run(dir, 3), 0)

  const actual = await readLetters(join(dir, 'out', 'dead.jsonl'))
  t.is(actual.notJson, 0, 'every line is JSON')
  t.is(actual.lines, expected.lines, 'as many letters as the uninterrupted run')
  t.deepEqual(letterKeys(actual.letters), letterKeys(expected.letters), 'the same letters, each once, source rejects with their file line and byte')
  const ns = (text: string): number[] => text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { n: number }).n).sort((a, b) => a - b)
  t.deepEqual(ns(await readFile(join(dir, 'out', 'out.jsonl'), 'utf8')), ns(await readFile(join(dir, 'oracle', 'out.jsonl'), 'utf8')))
})
