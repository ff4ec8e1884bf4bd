// Mistakes a user makes from JavaScript, where the types do not stop them, each refused with a
// typed error that says what, where and what to do — before any record flows, whatever the
// step's onError (found by trying the README as a new user would).
import test from 'ava'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { InvalidOptionError, PipelineDefinitionError, pipeline, sinks, sources, stores, type StateStore } from '../../index.ts'

const numbers = () => pipeline('mistakes').source('in', sources.iterable([1, 2, 3]))

test('.process with an Oxi whose onBatch is misspelt: refused when built (an object) or when the job starts (a factory), naming the near key, whatever onError', async (t) => {
  const built = t.throws(() => numbers().process('x', { onbatch() {} } as never), { instanceOf: InvalidOptionError })
  t.regex(built!.message, /^step 'x': \.process needs an Oxi .* \(it has 'onbatch': did you mean onBatch\?\)$/)
  for (const workers of [0, 2]) {
    const p = numbers().process('x', () => ({ onbatch() {} }) as never, { onError: 'skip' }).sink('out', sinks.collect())
    const e = await t.throwsAsync(p.run(workers === 0 ? {} : { workers, module: pathToFileURL(oxiModule()).href }).done, { instanceOf: PipelineDefinitionError })
    t.is(e?.message, "step 'x': its Oxi factory returned an object, which has no onBatch(records, ctx) function (it has 'onbatch': did you mean onBatch?); " +
      "return an Oxi: .process('x', () => ({ onBatch(records, ctx) { ... } }))", `workers ${workers}`)
  }
})

/** A pipeline module whose Oxi factory returns an object without onBatch (worker hosts import it). */
function oxiModule(): string {
  const file = join(tmpdir(), `oxiflow-mistakes-${process.pid}.mjs`)
  const index = pathToFileURL(join(import.meta.dirname, '../../index.ts')).href
  writeFileSync(file, `import { pipeline, sinks, sources } from '${index}'\n` +
    "export default pipeline('mistakes').source('in', sources.iterable([1, 2, 3])).process('x', () => ({ onbatch() {} }), { onError: 'skip' }).sink('out', sinks.collect())\n")
  return file
}

test('run({ store }): a number, an empty string or an object without the StateStore methods is a wrong option, not a store outage', async (t) => {
  const p = numbers().sink('out', sinks.collect())
  const cases: [unknown, RegExp][] = [
    [42, /^run\(options\): options\.store must be a directory path, a redis:\/\/ or postgres:\/\/ URL, or a store .* \(got 42\)$/],
    ['', /options\.store must be .* \(got ""\)$/],
    [{}, /options\.store is an object without the StateStore methods put, get, list, delete, lease, leases, describe, close; pass/],
    [Object.assign(Object.create(stores.memory()) as object, { lease: undefined }), /without the StateStore method lease;/],
  ]
  for (const [store, message] of cases) t.throws(() => p.run({ store: store as StateStore }), { instanceOf: InvalidOptionError, message })
  t.is((await p.run({ store: stores.memory() }).done).status, 'completed')
})

test('run({ workers, module }): a module that is neither a URL nor an absolute path, or names no file, is refused before any worker starts', (t) => {
  const p = numbers().sink('out', sinks.collect())
  t.throws(() => p.run({ workers: 2, module: 'x.mjs' }), { instanceOf: InvalidOptionError, message: /options\.module must be the pipeline module's URL, e\.g\. import\.meta\.url, or its absolute path \(got "x\.mjs"\)$/ })
  t.throws(() => p.run({ workers: 2, module: '/nonexistent/oxiflow/x.mjs' }), { instanceOf: InvalidOptionError, message: /"\/nonexistent\/oxiflow\/x\.mjs": no such file/ })
  t.throws(() => p.run({ workers: 2, module: 'file:///nonexistent/oxiflow/x.mjs' }), { instanceOf: InvalidOptionError, message: /"file:\/\/\/nonexistent\/oxiflow\/x\.mjs": no such file; pass import\.meta\.url/ })
})

test('plan(options) names itself and refuses what is no option of run or plan; run options it does not use are taken', (t) => {
  const p = numbers().sink('out', sinks.collect())
  t.throws(() => p.plan({ worker: 2 } as never), { instanceOf: InvalidOptionError, message: /^plan\(options\): 'worker' is not an option \(did you mean 'workers'\?\)/ })
  t.throws(() => p.plan({ workers: 'x' } as never), { instanceOf: InvalidOptionError, message: 'plan(options): options.workers must be an integer ≥ 0 (got "x")' })
  t.is(p.plan({ workers: 2, store: '.oxiflow', checkpointInterval: 1000 } as never).actors.length > 0, true)
})

test('.batch(name, 10) says the options are an object; sinks.collect(options) and sinks.console(string) are refused, not ignored', (t) => {
  t.throws(() => numbers().batch('b', 10 as never), { instanceOf: InvalidOptionError, message: "step 'b': .batch takes its options as an object, e.g. .batch('b', { size: 10 }) (got 10)" })
  t.throws(() => (sinks.collect as (o: unknown) => unknown)({ limit: 10 }), { instanceOf: InvalidOptionError, message: /^collect: takes no options \(got an object\)/ })
  t.throws(() => sinks.console('pretty' as never), { instanceOf: InvalidOptionError, message: 'console: options must be an object like { format: (record) => string } (got "pretty")' })
})
