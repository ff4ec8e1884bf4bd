import test from 'ava'
import { readFileSync } from 'node:fs'
import { root, cliInProcess, runCli } from './run-cli.ts'

/** Each command line, and a part of the message its exit code 2 must come with. */
const usageErrors: Array<[args: string[], message: string]> = [
  [['frobnicate'], "unknown command 'frobnicate'; the commands are: run, plan, checkpoints, state, runner"],
  [['checkpoints', 'list'], 'oxiflow checkpoints list needs a pipeline id'],
  [['state', 'show'], 'oxiflow state show needs pipeline'],
  [['runner', 'list', 'extra'], 'too many arguments for oxiflow runner list: extra'],
  [['bench'], "'oxiflow bench' is not available in this version"],
  [[], 'no command given; write oxiflow run <module>'],
  [['run'], 'oxiflow run needs a module'],
  [['run', 'test/fixtures/cli/completes.ts', '--speed', '3'], "unknown option '--speed' for oxiflow run"],
  [['run', 'test/fixtures/cli/does-not-exist.ts'], 'module not found: '],
  [['run', 'test/fixtures/cli'], 'is a directory'],
  [['run', 'test/fixtures/cli/completes.ts', '--params', '{"count":'], '--params is not valid JSON'],
  [['run', 'test/fixtures/cli/completes.ts', '--batch-size', '0'], '--batch-size must be a positive integer (got "0")'],
  [['run', 'test/fixtures/cli/completes.ts', '--workers', 'two'], '--workers must be a non-negative integer (got "two")'],
  [['run', 'test/fixtures/cli/no-default.ts'], 'test/fixtures/cli/no-default.ts has no default export; export default pipeline('],
  [['run', 'test/fixtures/cli/not-a-pipeline.ts'], 'is an object, not a Pipeline or a function returning one'],
  [['run', 'test/fixtures/cli/returns-nothing.ts'], 'is a function, but it returned undefined, not a Pipeline'],
]

for (const [args, message] of usageErrors) {
  test(`oxiflow ${args.join(' ')} is a usage error (exit 2) saying the fix`, async (t) => {
    t.timeout(60_000)
    const r = await cliInProcess(args)
    t.is(r.code, 2, r.stderr)
    t.true(r.stderr.includes(message), r.stderr)
    t.regex(r.stderr, /Run 'oxiflow (run |checkpoints |state |runner )?--help' for usage\./)
    t.is(r.stdout, '')
  })
}

test('a usage error under --json is also one JSON object on stdout', async (t) => {
  t.timeout(60_000)
  const r = await runCli(['run', 'test/fixtures/cli/completes.ts', '--workers', 'two', '--json'])
  t.is(r.code, 2)
  t.deepEqual(JSON.parse(r.stdout), { status: 'failed', error: { name: 'UsageError', code: 'ERR_USAGE',
    message: '--workers must be a non-negative integer (got "two")' } })
})

test('oxiflow --version prints the version in package.json', async (t) => {
  t.timeout(60_000)
  const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }
  const r = await runCli(['--version'])
  t.is(r.code, 0)
  t.is(r.stdout, `${version}\n`)
})

test('oxiflow --help and oxiflow run --help print usage on stdout and exit 0', async (t) => {
  t.timeout(60_000)
  const main = await runCli(['--help'])
  t.is(main.code, 0)
  t.true(main.stdout.includes('oxiflow run <module> [options]'))
  t.true(main.stdout.includes('2  usage error'))
  const run = await runCli(['run', '--help'])
  t.is(run.code, 0)
  t.true(run.stdout.includes('--params JSON'))
})
