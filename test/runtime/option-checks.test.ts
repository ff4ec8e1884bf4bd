import test from 'ava'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { invalidOption, shown } from '../../runtime/option-checks.ts'
import { pipeline, sinks, sources, windows } from '../../index.ts'

// shown() writes the value of every option message in runtime/, components/ and cli/.
const cases: Array<[string, unknown, string]> = [
  ['a string, quoted', 'two', '"two"'],
  ['an empty string', '', '""'],
  ['a number', 1.5, '1.5'],
  ['NaN', NaN, 'NaN'],
  ['a boolean', true, 'true'],
  ['null', null, 'null'],
  ['undefined', undefined, 'undefined'],
  ['a bigint, with its n', 5n, '5n'],
  ['a list of strings, as written', ['a', 'b'], '["a","b"]'],
  ['another array, by kind', [1], 'an array'],
  ['an object, by kind', { a: 1 }, 'an object'],
  ['a function, by kind', () => 1, 'a function'],
]
for (const [what, value, expected] of cases) {
  test(`shown writes ${what}`, (t) => {
    t.is(shown(value), expected)
  })
}

test('invalidOption names where, the option and the rule, and keeps the option on the error', (t) => {
  const e = invalidOption('run(options)', 'retain', 'an integer ≥ 1', '0')
  t.true(e instanceof InvalidOptionError)
  t.is(e.option, 'retain')
  t.is(e.message, 'run(options): options.retain must be an integer ≥ 1 (got "0")')
  t.is(invalidOption('jsonl sink', 'path', 'a non-empty string', '', 'path').message, 'jsonl sink: path must be a non-empty string (got "")')
})

test('an option that is none of the options is refused, naming the closest one: run, windows, sources, sinks', (t) => {
  const p = pipeline('p').source('g', sources.generator({ seed: 1, count: 10 })).sink('o', sinks.collect())
  const q = () => pipeline('q').source('g', sources.generator({ seed: 1, count: 10 }))
  const cases: [() => unknown, string][] = [
    [() => p.run({ worker: 2 } as never), "run(options): 'worker' is not an option (did you mean 'workers'?); the options are workers, module,"],
    [() => p.run({ checkpointIntreval: 5 } as never), "run(options): 'checkpointIntreval' is not an option (did you mean 'checkpointInterval'?)"],
    // Checkpoint options are checked also when the run takes no checkpoints (no store): before, they were ignored then.
    [() => p.run({ incremental: { fulEvery: 3 } } as never), "run(options).incremental: 'fulEvery' is not an option (did you mean 'fullEvery'?); the options are fullEvery, maxChainRatio"],
    [() => p.run({ incremental: { fullEvery: 0 } }), 'run(options): options.incremental.fullEvery must be an integer ≥ 1'],
    [() => p.run({ incremental: 'yes' } as never), 'run(options): options.incremental must be true, false or { fullEvery, maxChainRatio } (got "yes")'],
    [() => p.run({ codec: 'gzip' } as never), 'run(options): options.codec must be one of zstd, lz4, snappy, none'],
    [() => windows.tumbling({ size: 1000, time: (r: { ts: number }) => r.ts, maxOutOfOrderliness: 5 } as never),
      "windows.tumbling: 'maxOutOfOrderliness' is not an option (did you mean 'maxOutOfOrderness'?); the options are size, time, maxOutOfOrderness, allowedLateness"],
    [() => windows.session({ gap: 10, time: (r: { ts: number }) => r.ts, size: 5 } as never), "windows.session: 'size' is not an option; the options are gap, time,"],
    [() => sources.generator({ seed: 1, kyes: 3 } as never), "generator: 'kyes' is not an option (did you mean 'keys'?); the options are seed, count, rate, keys"],
    [() => sources.jsonl('in.jsonl', { chunksize: 10 } as never), "jsonl: 'chunksize' is not an option (did you mean 'chunkSize'?); the options are chunkSize"],
    [() => sources.csv('in.csv', { delimeter: ';' } as never), "csv: 'delimeter' is not an option (did you mean 'delimiter'?)"],
    [() => sinks.redisStream({ url: 'redis://127.0.0.1:6379', key: 'k', retryFor: 5 } as never), "redisStream sink: 'retryFor' is not an option (did you mean 'retryForMs'?)"],
    [() => sources.jetstream({ servers: '127.0.0.1:4222', stream: 'S', durableName: 'd' } as never), "jetstream source: 'durableName' is not an option"],
    [() => q().map('m', (r) => r, { onerror: 'skip' } as never), "step 'm': 'onerror' is not an option (did you mean 'onError'?); the options are onError, parallelism"],
    // A unit left off or added: one name begins with the other.
    [() => q().batch('b', { size: 2, maxWait: 100 } as never), "step 'b': 'maxWait' is not an option (did you mean 'maxWaitMs'?)"],
    [() => p.run({ checkpointIntervalMs: 100 } as never), "run(options): 'checkpointIntervalMs' is not an option (did you mean 'checkpointInterval'?)"],
    [() => q().mapAsync('m', async (r) => r, { concurency: 4 } as never), "step 'm': 'concurency' is not an option (did you mean 'concurrency'?); the options are onError, parallelism, concurrency"],
  ]
  for (const [f, message] of cases) {
    const e = t.throws(f, { instanceOf: InvalidOptionError })
    t.true(e?.message.startsWith(message), e?.message)
  }
  // Keys set to undefined pass (spread option objects carry them).
  t.notThrows(() => sources.generator({ seed: 1, count: 2, extra: undefined } as never))
  t.notThrows(() => q().mapAsync('a', async (r) => r, { concurrency: 2, parallelism: 1 }).batch('b', { size: 3, maxWaitMs: 5, onError: 'skip' }))
})
