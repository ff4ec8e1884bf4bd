// A pipeline module run with plain `node` on worker threads, as a real process on the built package
// (npm run build first): worker hosts import it again, and its code after `await job.done` runs on the main thread only.
import test from 'ava'
import { doubled, fixture, runModule } from '../../fixtures/modules/module-process.ts'

for (const name of ['runs-itself.mjs', 'runs-and-exports.mjs']) {
  test(`node ${name} on 2 workers writes what it writes inline, once, and its code after done runs once, on the main thread`, async (t) => {
    t.timeout(60_000)
    const [inline, onWorkers] = await Promise.all(['0', '2'].map((workers) => runModule([fixture(name)], { MODULE_WORKERS: workers })))
    for (const run of [inline!, onWorkers!]) {
      t.is(run.code, 0, `process.exit(0) after done exits 0: ${run.stderr}`)
      t.notRegex(run.stderr, /WorkerCrashError/)
      t.regex(run.stdout, /^TRAILING (completed|\{"status":"completed","out":1000\})\n$/, 'the trailing print, exactly once')
      t.deepEqual(run.marks.filter((m) => m.what === 'after done'), [{ what: 'after done', worker: false }])
    }
    t.deepEqual(inline!.out, doubled(1000))
    t.deepEqual(onWorkers!.out, inline!.out)
    // Top-level code before run() runs once per worker host too (keep main-thread work behind !isWorkerHost()).
    t.deepEqual(inline!.marks.filter((m) => m.what === 'before run').map((m) => m.worker), [false])
    t.deepEqual(onWorkers!.marks.filter((m) => m.what === 'before run').map((m) => m.worker).sort(), [false, true, true])
  })
}

test('node on 2 workers: a worker host rebuilds the pipeline the module ran, not the other one it exports as default', async (t) => {
  t.timeout(60_000)
  const run = await runModule([fixture('exports-another.mjs')], { MODULE_WORKERS: '2' })
  t.is(run.code, 0, run.stderr)
  t.is(run.stdout, 'TRAILING completed\n')
  t.deepEqual(run.out, doubled(1000), "the 1000 records of 'ran', not the 10 of 'exported'")
})

test("node on 2 workers: a module that awaits pipeline 'a' and then runs 'b' fails with a PipelineDefinitionError naming both, not a hang", async (t) => {
  t.timeout(60_000)
  const run = await runModule([fixture('runs-two.mjs')], { MODULE_WORKERS: '2' }, 30_000)
  t.is(run.code, 1, `killed at 30 s (code null) means it hung: ${run.stderr}`)
  t.regex(run.stderr, /PipelineDefinitionError: worker \d: \S+runs-two\.mjs ran pipeline 'a' and waits for it there, but 'b' is running/)
  t.regex(run.stderr, /give 'b' its own module/)
  t.notRegex(run.stdout, /TRAILING/)
})

test('node on 2 workers: checkpoint() on the job run() returned in a worker host rejects with HandedJobError', async (t) => {
  t.timeout(60_000)
  const run = await runModule([fixture('checkpoints-handed.mjs')], { MODULE_WORKERS: '2' })
  t.is(run.code, 0, run.stderr)
  const refused = run.marks.filter((m) => m.what.startsWith("HandedJobError: pipeline 'numbers': checkpoint() on a job this module handed over"))
  t.deepEqual(refused.map((m) => m.worker), [true, true], 'refused in each of the 2 worker hosts')
  t.deepEqual(run.marks.filter((m) => !refused.includes(m)), [{ what: 'after done', worker: false }])
  t.deepEqual(run.out, doubled(1000))
})
