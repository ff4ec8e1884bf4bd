// Late records are exactly-once across kills, restores and rescaling (issue 13, defect 3, for
// `.lateTo`): a real child process on 2 workers is SIGKILLed once a checkpoint committed late
// records, restored on 1 worker and killed again, then restored on 3 to the end. The late file —
// and the dead letters, offsets included, and the windows — must be the inline uninterrupted run's, each once.
import test from 'ava'
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runKilledPast } from '../../fixtures/crash/run-killed-past.ts'
import build, { isLate, checkFails, readLines, writeInput } from '../../fixtures/late/late-windows.ts'

// Well past what the pipeline holds in flight (channels of 8 batches of 64 KiB, ~16k of these
// lines each): a checkpoint's cut is where the source had read to when it was asked, so with an
// input the channels hold whole, the first commit carried every late record and the restored run
// had none left to commit (4 of 7 runs failed so with 30,000 lines once file reads got faster).
const LINES = 60_000

/** Runs the fixture through the CLI; with `killPast`, SIGKILLs it once late.jsonl is bigger than that many bytes. */
function run(dir: string, workers: number, killPast?: number): Promise<number | string> {
  return runKilledPast({ module: 'test/fixtures/late/late-windows.ts', dir, workers, params: { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), paceMs: 20 }, watch: join(dir, 'out', 'late.jsonl'), killPast })
}

test.serial('SIGKILL on 2 workers, restore on 1 and SIGKILL again, restore on 3: every late record once, as the inline run wrote them', async (t) => {
  t.timeout(180_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-late-records-crash-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'out'))
  await mkdir(join(dir, 'oracle'))
  await writeInput(join(dir, 'in.jsonl'), LINES)
  await build({ input: join(dir, 'in.jsonl'), out: join(dir, 'oracle') }).run().done
  const expected = await readLines(join(dir, 'oracle', 'late.jsonl'))
  let late = 0
  for (let i = 1; i <= LINES; i++) if (isLate(i) && !checkFails(i)) late++
  t.is(expected.lines, late, 'the inline run wrote the plain loop\'s late records')

  t.is(await run(dir, 2, 0), 'SIGKILL', 'the run on 2 workers must be killed once a checkpoint committed late records')
  const first = (await stat(join(dir, 'out', 'late.jsonl'))).size
  t.is(await run(dir, 1, first), 'SIGKILL', 'the restored run on 1 worker must be killed once it committed more late records')
  const second = await readLines(join(dir, 'out', 'late.jsonl'))
  t.log(`killed with ${second.lines} of ${expected.lines} late records committed`)
  t.true(second.lines < expected.lines, 'the second kill must fall in the middle of the input')
  t.is(await run(dir, 3), 0)

  const actual = await readLines(join(dir, 'out', 'late.jsonl'))
  t.is(actual.notJson, 0, 'every line is JSON')
  t.is(actual.lines, expected.lines, 'as many late records as the uninterrupted run')
  t.deepEqual(actual.sorted, expected.sorted, 'the same late records, each once')
  t.deepEqual((await readLines(join(dir, 'out', 'dead.jsonl'))).sorted, (await readLines(join(dir, 'oracle', 'dead.jsonl'))).sorted,
    'the same dead letters, each once, every field compared')
  t.deepEqual((await readLines(join(dir, 'out', 'out.jsonl'))).sorted, (await readLines(join(dir, 'oracle', 'out.jsonl'))).sorted)
})
