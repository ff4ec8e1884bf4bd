import test from 'ava'
import { parsePlanArgs } from '../../cli/plan-args.ts'
import { parseRunArgs } from '../../cli/run-args.ts'
import { UsageError } from '../../cli/usage-error.ts'

const noCheckpoints = { store: undefined, checkpointInterval: undefined, restore: undefined, allowNonRestoredState: false, codec: undefined, incremental: undefined, metricsPort: undefined, metricsHost: undefined, ui: false, restart: undefined, stallTimeout: undefined, stopTimeout: undefined }

test('parseRunArgs reads the module and every flag', (t) => {
  t.deepEqual(parseRunArgs(['m.ts', '--workers', '0', '--params', '{"a":1}', '--batch-size', '64', '--json']),
    { help: false, module: 'm.ts', workers: 0, params: { a: 1 }, batchSize: 64, json: true, ...noCheckpoints })
  t.deepEqual(parseRunArgs(['m.ts', '--store', 's', '--checkpoint-interval', '50', '--restore', '7', '--codec', 'lz4']),
    { help: false, module: 'm.ts', workers: 0, params: {}, batchSize: undefined, json: false, store: 's', checkpointInterval: 50, restore: 7, allowNonRestoredState: false, codec: 'lz4', incremental: undefined, metricsPort: undefined, metricsHost: undefined, ui: false, restart: undefined, stallTimeout: undefined, stopTimeout: undefined })
  t.is(parseRunArgs(['m.ts', '--restore', 'latest']).restore, 'latest')
  t.true(parseRunArgs(['m.ts', '--restore', 'latest', '--allow-non-restored-state']).allowNonRestoredState)
  t.like(parseRunArgs(['m.ts', '--metrics-port', '9464', '--metrics-host', '0.0.0.0']), { metricsPort: 9464, metricsHost: '0.0.0.0' })
  t.is(parseRunArgs(['m.ts', '--metrics-port', '0']).metricsPort, 0)
  t.like(parseRunArgs(['m.ts', '--ui']), { ui: true, metricsPort: undefined })
  t.like(parseRunArgs(['m.ts', '--ui', '--metrics-host', '0.0.0.0']), { ui: true, metricsHost: '0.0.0.0' })
  t.like(parseRunArgs(['m.ts', '--ui', '--metrics-port', '9464']), { ui: true, metricsPort: 9464 })
  t.deepEqual(parseRunArgs(['m.ts', '--restart', '3', '--restart-backoff', '250']).restart, { attempts: 3, backoffMs: 250 })
  t.deepEqual(parseRunArgs(['m.ts', '--restart', '2']).restart, { attempts: 2 })
  t.like(parseRunArgs(['m.ts', '--stall-timeout', '5000', '--stop-timeout', '2000']), { stallTimeout: 5000, stopTimeout: 2000 })
  t.is(parseRunArgs(['m.ts', '--stall-timeout', '0']).stallTimeout, 0)
  t.is(parseRunArgs(['m.ts', '--full-every', '1']).incremental, false)
  t.deepEqual(parseRunArgs(['m.ts', '--full-every', '5', '--max-chain-ratio', '0.5']).incremental, { fullEvery: 5, maxChainRatio: 0.5 })
  t.deepEqual(parseRunArgs(['m.ts', '--max-chain-ratio', '2']).incremental, { maxChainRatio: 2 })
})

test('parseRunArgs defaults: no workers, empty params, runtime batch size, text output, no checkpoints', (t) => {
  t.deepEqual(parseRunArgs(['m.ts']), { help: false, module: 'm.ts', workers: 0, params: {}, batchSize: undefined, json: false, ...noCheckpoints })
})

test('parseRunArgs accepts --flag=value', (t) => {
  t.is(parseRunArgs(['m.ts', '--batch-size=8']).batchSize, 8)
})

const refusals: Array<[argv: string[], message: string]> = [
  [[], 'oxiflow run needs a module: oxiflow run <module> [options], e.g. oxiflow run examples/clickstream.ts'],
  [['a.ts', 'b.ts'], 'oxiflow run takes one module, got 2: a.ts b.ts; quote --params JSON that contains spaces'],
  [['m.ts', '--nope'], "unknown option '--nope' for oxiflow run; the options are --workers N, --params JSON, --batch-size N, " +
    '--store PATH|URL, --checkpoint-interval MS, --restore latest|ID, --allow-non-restored-state, --codec C, --full-every N, --max-chain-ratio R, --metrics-port P, --metrics-host H, --ui, --restart N, --restart-backoff MS, --stall-timeout MS, --stop-timeout MS, --json, --help'],
  [['m.ts', '--workers'], "option '--workers' needs a value: --workers N (worker threads hosting the actors)"],
  [['m.ts', '--restore'], "option '--restore' needs a value: --restore latest|ID (start from the newest valid checkpoint (fresh if none) or from checkpoint ID)"],
  [['m.ts', '--workers', '-1'], "option '--workers' got a value starting with '-'; write --workers=VALUE if you mean it"],
  [['m.ts', '--workers', 'two'], '--workers must be a non-negative integer (got "two")'],
  [['m.ts', '--workers', '1.5'], '--workers must be a non-negative integer (got "1.5")'],
  [['m.ts', '--batch-size', '0'], '--batch-size must be a positive integer (got "0")'],
  [['m.ts', '--json=yes'], "option '--json' takes no value; write --json alone"],
  [['m.ts', '--params', '[1]'], `--params must be a JSON object (got an array), e.g. --params '{"seconds":2}'`],
  [['m.ts', '--params', '3'], `--params must be a JSON object (got 3), e.g. --params '{"seconds":2}'`],
  [['m.ts', '--metrics-host', '0.0.0.0'], '--metrics-host needs --metrics-port or --ui: the metrics endpoint and live page are served only when one is given'],
  [['m.ts', '--ui=yes'], "option '--ui' takes no value; write --ui alone"],
  [['m.ts', '--metrics-port', '0', '--metrics-host', ' '], '--metrics-host must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got " ")'],
  [['m.ts', '--checkpoint-interval', '0'], '--checkpoint-interval must be a positive number of milliseconds (got "0")'],
  [['m.ts', '--restore', 'abc'], "--restore must be 'latest' or a checkpoint id (got \"abc\"); oxiflow checkpoints list <pipeline> shows the ids"],
  [['m.ts', '--restore', '0'], "--restore must be 'latest' or a checkpoint id (got \"0\"); oxiflow checkpoints list <pipeline> shows the ids"],
  [['m.ts', '--allow-non-restored-state'], '--allow-non-restored-state needs --restore latest|ID: it only changes what a restore does'],
  [['m.ts', '--restart', 'many'], '--restart must be a non-negative integer (restarts allowed) (got "many")'],
  [['m.ts', '--restart-backoff', '100'], '--restart-backoff needs --restart N (the number of restarts allowed)'],
  [['m.ts', '--restart', '1', '--restart-backoff', '-5'], "option '--restart-backoff' got a value starting with '-'; write --restart-backoff=VALUE if you mean it"],
  [['m.ts', '--codec', 'gzip'], '--codec must be one of zstd, lz4, snappy, none (got "gzip")'],
  [['m.ts', '--stall-timeout', 'soon'], '--stall-timeout must be a number of milliseconds ≥ 0 (0 turns stall detection off) (got "soon")'],
  [['m.ts', '--stop-timeout', '0'], '--stop-timeout must be a positive number of milliseconds (got "0")'],
  [['m.ts', '--workers', '2', '--workers', '3'], 'option \'--workers\' is given twice ("2" and "3"); give it once'],
  [['m.ts', '--store=a', '--store', 'a'], 'option \'--store\' is given twice ("a" and "a"); give it once'],
]

for (const [argv, message] of refusals) {
  test(`parseRunArgs refuses ${JSON.stringify(argv)} with a UsageError`, (t) => {
    const e = t.throws(() => parseRunArgs(argv), { instanceOf: UsageError })
    t.is(e?.message, message)
    t.is(e?.code, 'ERR_USAGE')
  })
}

test('parseRunArgs names --params and the fix when the JSON does not parse', (t) => {
  const e = t.throws(() => parseRunArgs(['m.ts', '--params', '{seconds:2}']), { instanceOf: UsageError })
  t.regex(e!.message, /^--params is not valid JSON \(.+\); pass an object in single quotes, e\.g\. --params '\{"seconds":2\}'$/)
})

test('parseRunArgs takes --workers N', (t) => {
  t.is(parseRunArgs(['m.ts', '--workers', '3']).workers, 3)
  t.is(parseRunArgs(['m.ts']).workers, 0)
})

test('parsePlanArgs and the store commands refuse an option with a value given twice (parseArgs would keep the last)', (t) => {
  const e = t.throws(() => parsePlanArgs(['m.ts', '--workers', '2', '--workers', '3']), { instanceOf: UsageError })
  t.is(e?.message, 'option \'--workers\' is given twice ("2" and "3"); give it once')
  t.is(e?.command, 'plan')
})
