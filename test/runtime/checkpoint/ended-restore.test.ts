// A checkpoint taken after a step ended must not make it end again on restore: source A ends
// early (its Oxi emits A's total in onEnd), source B keeps the job running; the run is stopped
// — SIGKILL, or SIGTERM's graceful stop — once a checkpoint after A's end committed, and
// restored with --restore latest (on the same or another worker count). The output must be the
// uninterrupted run's, every line once: A's total once, no A record read again.
import test from 'ava'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkpointAfterEnd, expectedLines, runDir, sortedLines, startRun } from '../../fixtures/ended/ended-runs.ts'

// A kill on 2 workers is restored on 3 (the same count adds no path a rescale does not take; one
// case less in this serial file).
const cases = [
  { signal: 'SIGKILL', first: 0, then: 0 },
  { signal: 'SIGKILL', first: 2, then: 3 },
  { signal: 'SIGTERM', first: 0, then: 0 },
  { signal: 'SIGTERM', first: 2, then: 1 },
] as const

const where = (n: number): string => (n === 0 ? 'inline' : n === 1 ? '1 worker' : `${n} workers`)

for (const { signal, first, then } of cases) {
  const how = signal === 'SIGKILL' ? 'SIGKILL' : 'graceful stop (SIGTERM)'
  test.serial(`${how} on ${where(first)} after A ended and a checkpoint after its end committed, --restore latest on ${where(then)}: A's end does not run again`, async (t) => {
    t.timeout(90_000)
    const expected = await expectedLines()
    const dir = await runDir(t)
    const run = startRun(dir, first)
    t.teardown(() => { run.child.kill('SIGKILL') })
    const checkpoint = await checkpointAfterEnd(dir, run)
    run.child.kill(signal)
    const stopped = await run.exit
    t.is(stopped.code, signal === 'SIGKILL' ? 'SIGKILL' : 0, `the first run must have been ${signal === 'SIGKILL' ? 'killed' : 'stopped gracefully'}: ${stopped.stderr}`)
    const restored = await startRun(dir, then).exit
    t.is(restored.code, 0, restored.stderr)
    t.regex(restored.stderr, /restored pipeline 'ended-union' from checkpoint \d+/)
    t.log(`checkpoint ${checkpoint} came after A's end; ${restored.stderr.match(/from checkpoint \d+/)?.[0]}`)
    const actual = sortedLines(await readFile(join(dir, 'out', 'out.jsonl'), 'utf8'))
    t.is(actual.filter((l) => l.includes('"total"')).length, 1, "A's total must appear once")
    t.is(actual.length, expected.length, 'number of lines')
    t.deepEqual(actual, expected, 'the lines of the uninterrupted run, each once')
  })
}
