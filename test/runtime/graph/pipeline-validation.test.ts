import test from 'ava'
import { InvalidOptionError, PipelineDefinitionError, pipeline, sinks, sources, type Pipeline } from '../../../index.ts'

const src = () => sources.iterable([1, 2, 3])

const cases: { title: string; build: () => unknown; error: new (...args: never[]) => Error; message: string }[] = [
  {
    title: 'a duplicate step name names both steps and their positions',
    build: () => pipeline('p').source('in', src()).map('x', (n) => n).filter('x', () => true),
    error: PipelineDefinitionError,
    message: "pipeline 'p': step name 'x' is used twice (map at position 1 and filter at position 2); give each step its own name",
  },
  {
    title: 'a bad step name says the rule and suggests a valid name',
    build: () => pipeline('p').source('in', src()).map('my step', (n) => n),
    error: PipelineDefinitionError,
    message: "pipeline 'p': step name 'my step' is invalid: names match [A-Za-z0-9_-]+, e.g. 'my_step'",
  },
  {
    title: 'a bad pipeline id is refused',
    build: () => pipeline('a/b'),
    error: PipelineDefinitionError,
    message: "pipeline name 'a/b' is invalid: names match [A-Za-z0-9_-]+, e.g. 'a_b'",
  },
  {
    title: 'a pipeline without a sink is refused at run',
    build: () => pipeline('p').source('in', src()).map((n) => n).run(),
    error: PipelineDefinitionError,
    message: "pipeline 'p' has no sink; end it with .sink(name, sink), e.g. .sink('out', sinks.collect())",
  },
  {
    title: 'a branch that reaches no sink is refused at run, naming its last step',
    build: () => {
      const p = pipeline('p')
      const s = p.source('in', src())
      s.sink('out', sinks.collect())
      s.map('dangling', (n) => n)
      return p.run()
    },
    error: PipelineDefinitionError,
    message: "pipeline 'p': step 'dangling' (map) leads to no sink, so its records would be dropped; end that branch with .sink(name, sink)",
  },
  {
    title: 'a step after a sink is refused, naming the sink',
    build: () => (pipeline('p').source('in', src()).sink('out', sinks.collect()) as unknown as Pipeline<number>).map((n) => n),
    error: PipelineDefinitionError,
    message: "pipeline 'p': cannot add map after sink 'out'; a sink ends its branch — keep the step before the sink in a variable and branch from it",
  },
  {
    title: 'a keyed step without keyBy says to add keyBy before it',
    build: () => pipeline('p').source('in', src()).reduce('sum', (a: number, n: number) => a + n, () => 0),
    error: PipelineDefinitionError,
    message: "pipeline 'p': step 'sum' (reduce) needs a keyed stream: add .keyBy((r) => r.someKey) right before it",
  },
  {
    title: 'a map between keyBy and a keyed step loses the key',
    build: () => pipeline('p').source('in', src()).keyBy((n) => n).map((n) => n).reduce('sum', (a: number, n: number) => a + n, () => 0),
    error: PipelineDefinitionError,
    message: "pipeline 'p': step 'sum' (reduce) needs a keyed stream: add .keyBy((r) => r.someKey) right before it",
  },
  {
    title: 'a stateful step without a name is refused',
    build: () => (pipeline('p').source('in', src()) as unknown as { process: (o: unknown) => unknown }).process({ onBatch() {} }),
    error: PipelineDefinitionError,
    message: 'a process step needs a name first, e.g. .process(\'my-process\', ...): stateful steps are stored under their name',
  },
  {
    title: 'a step before any source is refused',
    build: () => pipeline('p').map((n) => n),
    error: PipelineDefinitionError,
    message: "pipeline 'p': map needs a stream; start with .source(name, source)",
  },
  {
    title: 'a pipeline without a source is refused at run',
    build: () => pipeline('p').run(),
    error: PipelineDefinitionError,
    message: "pipeline 'p' has no source; start it with .source(name, source)",
  },
  {
    title: 'parallelism must be a positive integer',
    build: () => pipeline('p').source('in', src()).map('m', (n) => n, { parallelism: 0 }),
    error: InvalidOptionError,
    message: "step 'm': options.parallelism must be a positive integer (got 0)",
  },
  {
    title: 'onError must be one of the policies',
    build: () => pipeline('p').source('in', src()).map('m', (n) => n, { onError: 'ignore' as never }),
    error: InvalidOptionError,
    message: "step 'm': options.onError must be 'fail', 'skip', { retry: n, backoffMs } or { deadLetter: sink } (got \"ignore\")",
  },
  {
    title: 'retry needs a positive count',
    build: () => pipeline('p').source('in', src()).map('m', (n) => n, { onError: { retry: 0 } }),
    error: InvalidOptionError,
    message: "step 'm': options.onError.retry must be a positive integer (got 0)",
  },
  {
    title: 'a dead letter must be a sink',
    build: () => pipeline('p').source('in', src()).map('m', (n) => n, { onError: { deadLetter: 'dead.jsonl' as never } }),
    error: InvalidOptionError,
    message: "step 'm': options.onError.deadLetter must be a sink, e.g. sinks.jsonl('dead.jsonl')",
  },
  {
    title: 'batch size must be a positive integer',
    build: () => pipeline('p').source('in', src()).batch('b', { size: 0 }),
    error: InvalidOptionError,
    message: "step 'b': options.size must be a positive integer (got 0)",
  },
  {
    title: 'mapAsync concurrency must be a positive integer',
    build: () => pipeline('p').source('in', src()).mapAsync('m', async (n) => n, { concurrency: 1.5 }),
    error: InvalidOptionError,
    message: "step 'm': options.concurrency must be a positive integer (got 1.5)",
  },
  {
    title: 'batch maxWaitMs must be a positive number, the value shown as given',
    build: () => pipeline('p').source('in', src()).batch('b', { size: 2, maxWaitMs: '10' as never }),
    error: InvalidOptionError,
    message: `step 'b': options.maxWaitMs must be a positive number of milliseconds (got "10")`,
  },
  {
    title: 'run refuses a negative batch size',
    build: () => pipeline('p').source('in', src()).sink('out', sinks.collect()).run({ batchSize: -1 }),
    error: InvalidOptionError,
    message: 'run(options): options.batchSize must be an integer ≥ 1 (got -1)',
  },
  {
    title: 'a keyed step cannot have more instances than key groups',
    build: () => pipeline('p').source('in', src()).keyBy((n) => n).reduce('r', (a: number) => a, () => 0, { parallelism: 5 }).sink('out', sinks.collect()).run({ maxKeyGroups: 4 }),
    error: PipelineDefinitionError,
    message: "pipeline 'p': step 'r' has parallelism 5 but only 4 key groups; lower its parallelism or raise maxKeyGroups",
  },
  {
    // Merged, the stream gave each record twice (found from outside).
    title: 'a union of a stream with itself is refused',
    build: () => {
      const doubled = pipeline('p').source('a', src()).map('x10', (n) => n * 10)
      return doubled.union('self', doubled)
    },
    error: PipelineDefinitionError,
    message: "pipeline 'p': union after 'x10' is given 'x10' twice, which would give each of its records twice; union distinct streams (to emit each record twice on purpose: .flatMap((r) => [r, r]))",
  },
  {
    title: 'a stream given twice to one union is refused',
    build: () => {
      const p = pipeline('p')
      const b = p.source('b', src())
      return p.source('a', src()).union(b, b)
    },
    error: PipelineDefinitionError,
    message: "pipeline 'p': union after 'a' is given 'b' twice, which would give each of its records twice; union distinct streams (to emit each record twice on purpose: .flatMap((r) => [r, r]))",
  },
  {
    title: 'a union with a stream of another pipeline is refused',
    build: () => pipeline('p').source('a', src()).union(pipeline('q').source('b', src())),
    error: PipelineDefinitionError,
    message: "pipeline 'p': union after 'a' takes streams of the same pipeline; build both from one pipeline object: const p = pipeline('p'); p.source(...).union(p.source(...))",
  },
]

for (const c of cases) {
  test(c.title, (t) => {
    const e = t.throws<Error>(c.build, { instanceOf: c.error as new (...args: any[]) => Error })
    t.is(e?.message, c.message)
  })
}

test('unnamed steps are named <kind>-<index>', async (t) => {
  const p = pipeline('p')
  p.source('in', src()).map((n) => n + 1).filter((n) => n > 2).sink('out', sinks.collect())
  const summary = await p.run().done
  t.deepEqual(Object.keys(summary.steps), ['in', 'map-1', 'filter-2', 'out'])
  t.deepEqual(summary.results.out, [3, 4])
})

test('an Oxi object (not a factory) cannot serve two parallel instances', async (t) => {
  const p = pipeline('p')
  p.source('in', src()).process('shared', { onBatch() {} }, { parallelism: 2 }).sink('out', sinks.collect())
  const e = await t.throwsAsync(p.run().done, { instanceOf: PipelineDefinitionError })
  t.regex(e!.message, /step 'shared': its Oxi object is already used by a running instance; pass a factory instead/)
})
