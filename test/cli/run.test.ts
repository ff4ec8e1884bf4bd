import test from 'ava'

// Exit codes and the process ending by itself go through the real command (runCli, startCli);
// what a run prints is checked in process (cliInProcess: the same main(), no process start).
import { cliInProcess, runCli, startCli } from './run-cli.ts'

test('a pipeline that completes exits 0 and --json gives its summary with exact counts', async (t) => {
  t.timeout(60_000)
  const r = await runCli(['run', 'test/fixtures/cli/completes.ts', '--json'])
  t.is(r.code, 0, r.stderr)
  const summary = JSON.parse(r.stdout) as { pipelineId: string; status: string; durationMs: number
    steps: Record<string, { recordsIn: number; recordsOut: number; failed: number }>; results: Record<string, unknown> }
  t.is(summary.pipelineId, 'cli-completes')
  t.is(summary.status, 'completed')
  t.true(summary.durationMs >= 0)
  t.like(summary.steps, {
    numbers: { recordsOut: 100, failed: 0 },
    double: { recordsIn: 100, recordsOut: 100 },
    'multiples-of-3': { recordsIn: 100, recordsOut: 33 },
    out: { recordsIn: 33 },
  })
  t.deepEqual(summary.results, { out: { count: 33 } })
})

test('--workers 2 runs the module on two worker threads with the same counts and exits by itself', async (t) => {
  t.timeout(60_000)
  const r = await runCli(['run', 'test/fixtures/cli/completes.ts', '--workers', '2', '--json'])
  t.is(r.code, 0, r.stderr)
  const summary = JSON.parse(r.stdout) as { status: string; steps: Record<string, { recordsIn: number; recordsOut: number; parallelism: number }>; results: unknown }
  t.is(summary.status, 'completed')
  t.like(summary.steps, { double: { recordsIn: 100, parallelism: 2 }, 'multiples-of-3': { recordsOut: 33 }, out: { recordsIn: 33, parallelism: 1 } })
  t.deepEqual(summary.results, { out: { count: 33 } })
})

test('a map that throws on a worker fails the job naming the step, exit 1', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['run', 'test/fixtures/cli/throwing-map.ts', '--workers', '2'])
  t.is(r.code, 1)
  t.regex(r.stderr, /step 'explode' failed at input record \d+/)
})

test('without --json the summary is a table on stderr and stdout stays empty', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['run', 'test/fixtures/cli/completes.ts'])
  t.is(r.code, 0, r.stderr)
  t.is(r.stdout, '')
  t.true(r.stderr.includes("pipeline 'cli-completes' completed in"), r.stderr)
  t.regex(r.stderr, /multiples-of-3\s+filter\s+100\s+33\s/)
})

test('--params reaches a function default export', async (t) => {
  t.timeout(60_000)
  const withParams = await cliInProcess(['run', 'test/fixtures/cli/with-params.ts', '--params', '{"count":7}', '--json'])
  t.is(withParams.code, 0, withParams.stderr)
  t.deepEqual(JSON.parse(withParams.stdout).results, { out: { count: 7 } })
  const defaults = await cliInProcess(['run', 'test/fixtures/cli/with-params.ts', '--json'])
  t.deepEqual(JSON.parse(defaults.stdout).results, { out: { count: 10 } })
})

test('--batch-size is passed to run', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--batch-size', '7', '--json'])
  t.is(r.code, 0, r.stderr)
  t.is(JSON.parse(r.stdout).status, 'completed')
})

test('a map that throws fails the job: exit 1, stderr names the step, no stack', async (t) => {
  t.timeout(60_000)
  const r = await runCli(['run', 'test/fixtures/cli/throwing-map.ts'])
  t.is(r.code, 1)
  t.true(r.stderr.includes("step 'explode'"), r.stderr)
  t.true(r.stderr.includes('cannot handle 4'), r.stderr)
  t.false(r.stderr.includes('    at '), 'no stack without OXIFLOW_DEBUG')
  t.is(r.stdout, '')
})

test('OXIFLOW_DEBUG=1 adds the stack to a failure', async (t) => {
  t.timeout(60_000)
  const r = await runCli(['run', 'test/fixtures/cli/throwing-map.ts'], { OXIFLOW_DEBUG: '1' })
  t.is(r.code, 1)
  t.true(r.stderr.includes('    at '), r.stderr)
})

test('a failure under --json is one JSON object with the error, its step and offset', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['run', 'test/fixtures/cli/throwing-map.ts', '--json'])
  t.is(r.code, 1)
  const report = JSON.parse(r.stdout) as { status: string; error: Record<string, unknown> }
  t.is(report.status, 'failed')
  t.like(report.error, { name: 'StepError', code: 'ERR_STEP', step: 'explode' })
  t.is(typeof report.error['offset'], 'string')
  t.true((report.error['message'] as string).includes('cannot handle 4'))
})

test('a malformed JSONL line fails the job with a message naming line 3', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['run', 'test/fixtures/cli/malformed-jsonl.ts'])
  t.is(r.code, 1)
  t.true(r.stderr.includes('line 3'), r.stderr)
  t.true(r.stderr.includes('malformed.jsonl'), r.stderr)
})

test('a module that throws on import fails with exit 1 and its message', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['run', 'test/fixtures/cli/throws-on-load.ts'])
  t.is(r.code, 1)
  t.true(r.stderr.includes('this module fails on import'), r.stderr)
})

test('SIGINT stops an unbounded job gracefully: exit 0, status stopped', async (t) => {
  t.timeout(60_000)
  const { child, result } = await startCli(['run', 'test/fixtures/cli/unbounded.ts', '--json'], 'ready')
  child.kill('SIGINT')
  const r = await result
  t.is(r.code, 0, r.stderr)
  t.true(r.stderr.includes('SIGINT: stopping the job gracefully'), r.stderr)
  const summary = JSON.parse(r.stdout) as { status: string; steps: Record<string, { recordsOut: number }> }
  t.is(summary.status, 'stopped')
  t.true(summary.steps['ticks']!.recordsOut > 0)
})

test('a second SIGINT while stopping exits at once with code 130', async (t) => {
  t.timeout(60_000)
  const { child, result } = await startCli(['run', 'test/fixtures/cli/unbounded.ts', '--params', '{"hangOnClose":true}'], 'ready')
  child.kill('SIGINT')
  await new Promise((r) => setTimeout(r, 300))
  child.kill('SIGINT')
  const r = await result
  // It dies by SIGINT's default action (status 130 in a shell): process.exit could hang.
  t.true(r.code === 130 || r.signal === 'SIGINT', `code ${r.code}, signal ${r.signal}: ${r.stderr}`)
  t.true(r.stderr.includes('SIGINT again: exiting now'), r.stderr)
})
