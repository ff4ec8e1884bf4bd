import test from 'ava'
import { InvalidOptionError, PipelineDefinitionError, agg, pipeline, sinks, sources, windows } from '../../../../index.ts'

type R = { k: string; v: number; t: number }
const src = () => sources.iterable<R>([{ k: 'a', v: 1, t: 1 }])
const stream = () => pipeline('p').source('in', src())
const tumbling = () => windows.tumbling({ size: 5, time: (r: R) => r.t })

const cases: { title: string; build: () => unknown; error: new (...args: never[]) => Error; option?: string; message: string }[] = [
  {
    title: 'agg.count given a function (count(field) in mind) is refused: it would count every record',
    build: () => (agg.count as (fn: unknown) => unknown)((r: R) => r.v),
    error: InvalidOptionError, option: 'fn',
    message: 'agg.count takes no function: it counts every record of the window; to count only some, filter them before the window (or count them with agg.sum((r) => (cond(r) ? 1 : 0)))',
  },
  {
    title: 'a window followed by .sink (no .aggregate) fails saying a window ends with .aggregate',
    build: () => (stream().window('w', windows.lengthBatch(2)) as unknown as { sink(n: string, s: unknown): unknown }).sink('out', sinks.collect()),
    error: PipelineDefinitionError,
    message: "pipeline 'p': window 'w' is followed by .sink; a window ends with .aggregate(name, aggregates), whose results go on: .window('w', …).aggregate('stats', { n: agg.count() }).sink(name, sink)",
  },
  {
    title: 'an aggregate named key is refused',
    build: () => stream().keyBy((r) => r.k).window('w', windows.lengthBatch(2)).aggregate('a', { key: agg.count() } as never),
    error: InvalidOptionError, option: 'aggregates.key',
    message: "step 'a': aggregate name 'key' is reserved — every window result has key, windowStart and windowEnd; name it otherwise, e.g. 'keyAgg'",
  },
  {
    title: 'an aggregate named windowStart is refused',
    build: () => stream().window('w', windows.lengthBatch(2)).aggregate('a', { windowStart: agg.count() } as never),
    error: InvalidOptionError, option: 'aggregates.windowStart',
    message: "step 'a': aggregate name 'windowStart' is reserved — every window result has key, windowStart and windowEnd; name it otherwise, e.g. 'windowStartAgg'",
  },
  {
    title: 'an aggregate named windowEnd is refused',
    build: () => stream().window('w', windows.lengthBatch(2)).aggregate('a', { windowEnd: agg.count() } as never),
    error: InvalidOptionError, option: 'aggregates.windowEnd',
    message: "step 'a': aggregate name 'windowEnd' is reserved — every window result has key, windowStart and windowEnd; name it otherwise, e.g. 'windowEndAgg'",
  },
  {
    title: 'an aggregate named __proto__ is refused',
    build: () => stream().window('w', windows.lengthBatch(2)).aggregate('a', { ['__proto__']: agg.count() } as never),
    error: InvalidOptionError, option: 'aggregates.__proto__',
    message: "step 'a': aggregate name '__proto__' cannot be a field of a result (setting it sets the result's prototype); name it otherwise, e.g. 'protoAgg'",
  },
  {
    title: 'an aggregator factory passed uncalled says to call it',
    build: () => stream().window('w', windows.lengthBatch(2)).aggregate('a', { n: agg.count } as never),
    error: InvalidOptionError, option: 'aggregates.n',
    message: "step 'a': aggregates.n must be an aggregator — call it: agg.count(...)",
  },
  {
    title: 'an empty aggregates object is refused',
    build: () => stream().window('w', windows.lengthBatch(2)).aggregate('a', {}),
    error: InvalidOptionError, option: 'aggregates',
    message: "step 'a': .aggregate(name, aggregates) needs an object of aggregators, e.g. { n: agg.count(), total: agg.sum((r) => r.value) }",
  },
  {
    title: '.aggregate needs its step name first',
    build: () => (stream().window('w', windows.lengthBatch(2)) as unknown as { aggregate(a: unknown): unknown }).aggregate({ n: agg.count() }),
    error: PipelineDefinitionError,
    message: "an aggregate step needs a name first, e.g. .aggregate('my-aggregate', ...): stateful steps are stored under their name",
  },
  {
    title: '.window needs its name first',
    build: () => (stream() as unknown as { window(w: unknown): unknown }).window(windows.lengthBatch(2)),
    error: PipelineDefinitionError,
    message: "a window step needs a name first, e.g. .window('my-window', ...): stateful steps are stored under their name",
  },
  {
    title: 'a bad window name is refused at once',
    build: () => stream().window('my window', windows.lengthBatch(2)),
    error: PipelineDefinitionError,
    message: "pipeline 'p': window name 'my window' is invalid: names match [A-Za-z0-9_-]+, e.g. 'my_window'",
  },
  {
    title: 'the window step name goes through the graph: a duplicate is refused',
    build: () => stream().window('w', windows.lengthBatch(2)).collect('in'),
    error: PipelineDefinitionError,
    message: "pipeline 'p': step name 'in' is used twice (source at position 0 and window at position 1); give each step its own name",
  },
  {
    title: '.window needs a window',
    build: () => stream().window('w', 5 as never),
    error: InvalidOptionError, option: 'window',
    message: "pipeline 'p': window 'w' needs a window, e.g. .window('w', windows.lengthBatch(100))",
  },
  {
    title: '.lateTo on a count window is refused: it has no late records',
    build: () => stream().window('w', windows.lengthBatch(2)).lateTo(sinks.collect()),
    error: PipelineDefinitionError,
    message: "pipeline 'p': window 'w' (lengthBatch(2)) has no late records — only event-time windows (tumbling, sliding, session) do; remove .lateTo",
  },
  {
    title: '.lateTo twice is refused',
    build: () => stream().window('w', tumbling()).lateTo(sinks.collect()).lateTo(sinks.collect()),
    error: PipelineDefinitionError,
    message: "pipeline 'p': window 'w' has a late sink already; call .lateTo once",
  },
  {
    title: '.lateTo needs a sink',
    build: () => stream().window('w', tumbling()).lateTo({} as never),
    error: InvalidOptionError, option: 'sink',
    message: "pipeline 'p': window 'w': .lateTo needs a sink, e.g. .lateTo(sinks.jsonl('late.jsonl'))",
  },
  {
    title: 'an unkeyed window refuses a parallelism above 1',
    build: () => stream().window('w', windows.lengthBatch(2)).collect('c', { parallelism: 2 }),
    error: PipelineDefinitionError,
    message: "pipeline 'p': window step 'c' is not keyed, so it runs as one instance (key null); remove options.parallelism, or add .keyBy(...) before .window",
  },
  {
    title: 'a windowed reduce needs two functions',
    build: () => stream().window('w', windows.lengthBatch(2)).reduce('r', 1 as never, () => 0),
    error: InvalidOptionError, option: 'fn',
    message: "step 'r': .reduce(name, fn, init) after a window needs two functions, e.g. .reduce('total', (a, r) => a + r.value, () => 0)",
  },
  { title: 'lengthBatch(0)', build: () => windows.lengthBatch(0), error: InvalidOptionError, option: 'n', message: 'windows.lengthBatch: n must be a positive integer (got 0)' },
  { title: 'lengthBatch(1.5)', build: () => windows.lengthBatch(1.5), error: InvalidOptionError, option: 'n', message: 'windows.lengthBatch: n must be a positive integer (got 1.5)' },
  { title: "length('3')", build: () => windows.length('3' as never), error: InvalidOptionError, option: 'n', message: 'windows.length: n must be a positive integer (got "3")' },
  { title: 'time(0)', build: () => windows.time(0), error: InvalidOptionError, option: 'ms', message: 'windows.time: ms must be a positive integer of milliseconds (got 0)' },
  { title: 'timeBatch(-5)', build: () => windows.timeBatch(-5), error: InvalidOptionError, option: 'ms', message: 'windows.timeBatch: ms must be a positive integer of milliseconds (got -5)' },
  {
    title: 'tumbling without options', build: () => windows.tumbling(undefined as never), error: InvalidOptionError, option: 'options',
    message: 'windows.tumbling: options must be an object, e.g. windows.tumbling({ size: 60_000, time: (r) => r.ts })',
  },
  {
    title: 'tumbling without size', build: () => windows.tumbling({ time: (r: R) => r.t } as never), error: InvalidOptionError, option: 'size',
    message: 'windows.tumbling: options.size must be a positive integer of milliseconds (got undefined)',
  },
  {
    title: 'tumbling without time', build: () => windows.tumbling({ size: 10 } as never), error: InvalidOptionError, option: 'time',
    message: "windows.tumbling: options.time must be a function returning the record's event time in epoch ms, e.g. time: (r) => r.timestamp (got undefined)",
  },
  {
    title: 'a negative maxOutOfOrderness', build: () => windows.tumbling({ size: 10, time: (r: R) => r.t, maxOutOfOrderness: -1 }),
    error: InvalidOptionError, option: 'maxOutOfOrderness',
    message: 'windows.tumbling: options.maxOutOfOrderness must be a non-negative integer of milliseconds (got -1)',
  },
  {
    title: 'a fractional allowedLateness', build: () => windows.session({ gap: 10, time: (r: R) => r.t, allowedLateness: 0.5 }),
    error: InvalidOptionError, option: 'allowedLateness',
    message: 'windows.session: options.allowedLateness must be a non-negative integer of milliseconds (got 0.5)',
  },
  {
    title: 'a slide larger than the size', build: () => windows.sliding({ size: 10, slide: 20, time: (r: R) => r.t }),
    error: InvalidOptionError, option: 'slide',
    message: 'windows.sliding: options.slide (20) must not exceed options.size (10); records would fall between windows',
  },
  { title: 'a session gap of 0', build: () => windows.session({ gap: 0, time: (r: R) => r.t }), error: InvalidOptionError, option: 'gap', message: 'windows.session: options.gap must be a positive integer of milliseconds (got 0)' },
  {
    title: 'sort without a compare function', build: () => windows.sort(3, 'v' as never), error: InvalidOptionError, option: 'compare',
    message: 'windows.sort: compare must be a function (a, b) => number, e.g. (a, b) => a.price - b.price',
  },
]

for (const c of cases) {
  test(`window definition: ${c.title}`, (t) => {
    const e = t.throws(c.build, { instanceOf: c.error })
    t.is(e?.message, c.message)
    if (c.option) t.is((e as InvalidOptionError).option, c.option)
  })
}
