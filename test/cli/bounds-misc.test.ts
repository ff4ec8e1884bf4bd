import test from 'ava'
import { availableParallelism } from 'node:os'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { pipeline, sinks, sources } from '../../index.ts'
import { cliInProcess } from './run-cli.ts'

// The bounds, computed here from their rules rather than read from the code under test.
const maxWorkers = Math.max(4, 2 * availableParallelism())
const maxBatch = 65_536

const small = () => pipeline('bounds').source('in', sources.iterable([1, 2, 3])).sink('out', sinks.collect())

test('run refuses more workers than twice the cores (at least 4), naming the bound and why', (t) => {
  t.throws(() => small().run({ workers: maxWorkers + 1, module: import.meta.url }), {
    instanceOf: InvalidOptionError,
    message: `run(options): options.workers must be at most ${maxWorkers} (got ${maxWorkers + 1}): twice the ${availableParallelism()} cores here, ` +
      'at least 4 — each worker thread costs memory (its own heap and copy of the modules, ~15–20 MB more without state) and workers beyond ' +
      'the cores only take turns on them; use fewer workers, or parallelism per step',
  })
})

test('run refuses a batch size above 65,536 and takes 65,536', async (t) => {
  t.throws(() => small().run({ batchSize: maxBatch + 1 }), {
    instanceOf: InvalidOptionError,
    message: `run(options): options.batchSize must be at most ${maxBatch} (got ${maxBatch + 1}): a channel holds 8 batches, so memory in flight ` +
      'grows with the batch, and batches above a few thousand records are no faster; the default is 1024',
  })
  const summary = await small().run({ batchSize: maxBatch }).done
  t.is(summary.status, 'completed')
})

for (const [flag, value, message] of [
  ['--workers', '32', `--workers must be at most ${maxWorkers} (got 32): twice the ${availableParallelism()} cores here, at least 4: each worker thread costs memory (its own heap and copy of the modules, ~15–20 MB more without state) and workers beyond the cores only take turns on them`],
  ['--batch-size', '100000000', `--batch-size must be at most ${maxBatch} (got 100000000): a channel holds 8 batches, so memory grows with the batch, and larger batches are no faster (default 1024)`],
] as const) {
  test(`oxiflow run ${flag} ${value} is a usage error (exit 2) before the module loads`, async (t) => {
    t.timeout(30_000)
    const r = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', flag, value])
    t.is(r.code, 2)
    t.is(r.stderr.split('\n')[0], `oxiflow: ${message}`)
  })
}
