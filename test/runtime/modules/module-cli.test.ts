// `oxiflow run` on pipeline modules, run as real processes on the built package (npm run build first):
// a module that also runs itself is run once, by the CLI, and its code after `await job.done` never runs.
import test from 'ava'
import { doubled, fixture, runModule } from '../../fixtures/modules/module-process.ts'

const cli = (...args: string[]): string[] => ['bin/oxiflow.mjs', 'run', ...args]

for (const workers of [0, 2]) {
  test(`oxiflow run --workers ${workers} of a module that exports its pipeline and awaits its own run runs the job once, without the module's trailing code`, async (t) => {
    t.timeout(60_000)
    const run = await runModule(cli(fixture('runs-and-exports.mjs'), '--workers', String(workers)))
    t.is(run.code, 0, run.stderr)
    t.regex(run.stderr, /pipeline 'numbers' completed/, 'the CLI prints its summary')
    t.is(run.stdout, '', 'the module prints after `await job.done`: that code must not run')
    t.deepEqual(run.out, doubled(1000), 'each record written exactly once')
    t.false(run.marks.some((m) => m.what === 'after done'))
    t.deepEqual(run.marks.filter((m) => m.what === 'before run').map((m) => m.worker).sort(),
      [false, ...Array<boolean>(workers).fill(true)], 'top-level code runs in the CLI and once in each worker host')
  })

  test(`oxiflow run --workers ${workers} of a module with no default export runs the pipeline the module runs, once`, async (t) => {
    t.timeout(60_000)
    const run = await runModule(cli(fixture('runs-itself.mjs'), '--workers', String(workers), '--json'))
    t.is(run.code, 0, run.stderr)
    const summary = JSON.parse(run.stdout) as { status: string, steps: Record<string, { recordsIn: number }> }
    t.like(summary, { status: 'completed', steps: { out: { recordsIn: 1000 } } })
    t.deepEqual(run.out, doubled(1000))
    t.false(run.marks.some((m) => m.what === 'after done'))
  })
}

test('oxiflow run of a module with neither a default export nor a run() is a usage error (exit 2) that says the fix', async (t) => {
  t.timeout(30_000)
  const run = await runModule(cli(fixture('no-pipeline.mjs')))
  t.is(run.code, 2)
  t.true(run.stderr.includes("test/fixtures/modules/no-pipeline.mjs has no default export; export default pipeline('id').source(...).sink(...), " +
    "or export default (params) => pipeline('id')..."), run.stderr)
})

test('oxiflow run of a default export that is a function of params gives the same output with --params on 0 and 2 workers', async (t) => {
  t.timeout(60_000)
  const [inline, onWorkers] = await Promise.all([0, 2].map((workers) =>
    runModule(cli(fixture('of-params.mjs'), '--workers', String(workers), '--params', '{"count":300}'))))
  t.is(inline!.code, 0, inline!.stderr)
  t.is(onWorkers!.code, 0, onWorkers!.stderr)
  t.deepEqual(inline!.out, doubled(300))
  t.deepEqual(onWorkers!.out, inline!.out)
})

test("under oxiflow run, stop() on the job the module's own run() returned stops the job the CLI runs", async (t) => {
  t.timeout(60_000)
  // The source is unbounded: only the module's stop(), 300 ms after its first record, ends the run; a hang is killed at 20 s (code null).
  const run = await runModule(cli(fixture('stops-itself.mjs')), {}, 20_000)
  t.is(run.code, 0, run.stderr)
  t.regex(run.stderr, /pipeline 'stops-itself' stopped in/)
  t.true(run.out.length > 0, 'the job ran before it was stopped')
})
