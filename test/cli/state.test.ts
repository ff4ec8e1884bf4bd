import test, { type ExecutionContext } from 'ava'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropPostgresSchema } from '../fixtures/store-servers.ts'
import { cliInProcess, runCli, startCli } from './run-cli.ts'

// `oxiflow state` end to end, against stores written by real `oxiflow run` processes. Each test
// has its own directory. ava starts every test at once and run-cli.ts runs few CLI processes at
// a time, so each test's timeout also counts its wait in line.

const CHECKPOINTED = 'test/fixtures/cli/checkpointed.ts'
const COUNT = 20_000
const RATE = 10_000

interface StateJson {
  pipelineId: string
  run: {
    status: string; recordsProcessed: number; recordsFailed: number; lastProcessedId: number | null; bytesProcessed: number; batchNumber: number
    steps: Record<string, { status: string; recordsIn: number; recordsOut: number }>
    errors: Array<{ step: string | null; code: string; offset: string | null; message: string }>
    lastCheckpoint: { id: number } | null
  } | null
  checkpoints: { count: number }
  lease: { runner: string; stale: boolean } | null
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-cli-state-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function show(store: string, pipelineId: string): Promise<StateJson> {
  const r = await cliInProcess(['state', 'show', pipelineId, '--store', store, '--json'])
  if (r.code !== 0) throw new Error(`state show failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as StateJson
}

function checkpointedArgs(dir: string, store: string, ...more: string[]): string[] {
  return ['run', CHECKPOINTED, '--store', store, '--checkpoint-interval', '50',
    '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: COUNT, rate: RATE }), ...more]
}

/** Waits (bounded) until a checkpoint of the fixture is committed in `store`. */
async function untilCommitted(store: string): Promise<void> {
  const root = join(store, 'data', 'pipelines', 'cli-checkpointed', 'checkpoints')
  for (let i = 0; i < 250; i++) {
    for (const d of existsSync(root) ? await readdir(root) : []) {
      if ((await readdir(join(root, d)).catch(() => [])).some((n) => n.startsWith('manifest.json'))) return
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

test('state show after a batch job: status completed and the exact record counts per step', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const run = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', store])
  t.is(run.code, 0, run.stderr)
  // The oracle: the fixture's 100 numbers, doubled, multiples of 3 kept.
  let kept = 0
  for (let n = 1; n <= 100; n++) if ((2 * n) % 3 === 0) kept++
  const v = await show(store, 'cli-completes')
  t.is(v.run?.status, 'completed')
  t.is(v.run?.recordsProcessed, 100)
  t.is(v.run?.recordsFailed, 0)
  t.is(v.run?.lastProcessedId, 99)
  t.deepEqual(Object.fromEntries(Object.entries(v.run!.steps).map(([k, s]) => [k, [s.status, s.recordsIn, s.recordsOut]])), {
    numbers: ['completed', 100, 100], double: ['completed', 100, 100], 'multiples-of-3': ['completed', 100, kept], out: ['completed', kept, kept],
  })
  t.is(v.lease, null)
  const text = await cliInProcess(['state', 'show', 'cli-completes', '--store', store])
  t.is(text.code, 0, text.stderr)
  t.regex(text.stdout, /status {12}completed/)
  t.regex(text.stdout, /records {11}100 processed, 0 failed/)
  t.regex(text.stdout, new RegExp(`multiples-of-3 +map|multiples-of-3 +filter +completed +100 +${kept} `))
  const list = await cliInProcess(['state', 'list', '--store', store, '--json'])
  t.deepEqual((JSON.parse(list.stdout) as Array<{ pipelineId: string; status: string; active: boolean }>).map((r) => [r.pipelineId, r.status, r.active]),
    [['cli-completes', 'completed', false]])
  const active = await cliInProcess(['state', 'list', '--active', '--store', store, '--json'])
  t.deepEqual(JSON.parse(active.stdout), [])
})

test('state show after a JSONL job: bytesProcessed is the file size and batchNumber the chunks read', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const input = join(dir, 'flights.jsonl')
  const text = Array.from({ length: 3000 }, (_, id) => JSON.stringify({ id, origin: `o${id % 17}` })).join('\n') + '\n'
  await writeFile(input, text)
  const chunkSize = 4096
  const run = await cliInProcess(['run', 'test/fixtures/workers/jsonl-keyed.ts', '--store', store, '--params', JSON.stringify({ path: input, chunkSize })])
  t.is(run.code, 0, run.stderr)
  const bytes = Buffer.byteLength(text)
  const v = await show(store, 'jsonl-keyed')
  t.is(v.run?.recordsProcessed, 3000)
  t.is(v.run?.bytesProcessed, bytes, 'every byte of the file, once')
  t.is(v.run?.batchNumber, Math.ceil(bytes / chunkSize), 'one batch per chunk')
  const shown = await cliInProcess(['state', 'show', 'jsonl-keyed', '--store', store])
  t.regex(shown.stdout, new RegExp(`read {14}${Math.ceil(bytes / chunkSize)} batches, ${bytes.toLocaleString('en-US')} bytes`))
})

test("a failing job's errors appear in state show with the step and the offset", async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const run = await cliInProcess(['run', 'test/fixtures/cli/throwing-map.ts', '--store', store, '--json'])
  t.is(run.code, 1)
  const reported = (JSON.parse(run.stdout) as { error: { step: string; offset: string; message: string } }).error
  const v = await show(store, 'cli-throws')
  t.is(v.run?.status, 'failed')
  const e = v.run!.errors.at(-1)!
  t.is(e.step, 'explode')
  t.is(e.offset, reported.offset)
  t.regex(e.offset!, /record 4\b/) // the fixture throws on its 4th record
  t.is(e.code, 'ERR_STEP')
  t.is(e.message, reported.message)
  const text = await cliInProcess(['state', 'show', 'cli-throws', '--store', store])
  t.true(text.stdout.includes(`ERR_STEP step 'explode' at ${reported.offset}: `), text.stdout)
})

test('export, import into an empty store, run --restore latest there: the same output as an uninterrupted run', async (t) => {
  t.timeout(180_000)
  const dir = await tempDir(t)
  const storeA = join(dir, 'a')
  const storeB = join(dir, 'b')
  const reference = join(dir, 'reference.jsonl')
  const whole = await cliInProcess(['run', CHECKPOINTED, '--params', JSON.stringify({ out: reference, count: COUNT, rate: RATE })])
  t.is(whole.code, 0, whole.stderr)
  const { child, result } = await startCli(checkpointedArgs(dir, storeA), 'ready')
  await untilCommitted(storeA)
  child.kill('SIGINT')
  const stopped = await result
  t.is(stopped.code, 0, stopped.stderr)
  const file = join(dir, 'state.json')
  const exported = await cliInProcess(['state', 'export', 'cli-checkpointed', '--store', storeA, '--out', file, '--json'])
  t.is(exported.code, 0, exported.stderr)
  t.true((JSON.parse(exported.stdout) as { checkpointKeys: number }).checkpointKeys > 0)
  const imported = await cliInProcess(['state', 'import', 'cli-checkpointed', file, '--store', storeB, '--json'])
  t.is(imported.code, 0, imported.stderr)
  const before = await show(storeB, 'cli-checkpointed')
  t.is(before.run?.status, 'stopped')
  t.is(before.run?.lastCheckpoint?.id, (await show(storeA, 'cli-checkpointed')).run?.lastCheckpoint?.id)
  const resumed = await cliInProcess(checkpointedArgs(dir, storeB, '--restore', 'latest'))
  t.is(resumed.code, 0, resumed.stderr)
  t.regex(resumed.stderr, /restored pipeline 'cli-checkpointed' from checkpoint \d+/)
  const [actual, expected] = await Promise.all([readFile(join(dir, 'out.jsonl'), 'utf8'), readFile(reference, 'utf8')])
  t.is(actual.split('\n').length, COUNT + 1)
  t.true(actual === expected, 'out.jsonl differs from the uninterrupted run')
  t.is((await show(storeB, 'cli-checkpointed')).run?.status, 'completed')
})

test("state cleanup removes a SIGKILLed runner's stale lease and says so", async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const { child, result } = await startCli(checkpointedArgs(dir, store), 'ready')
  await untilCommitted(store)
  child.kill('SIGKILL')
  t.is((await result).signal, 'SIGKILL')
  const runner = `${hostname()}:${child.pid}`
  const listed = JSON.parse((await cliInProcess(['runner', 'list', '--store', store, '--json'])).stdout) as Array<{ runner: string; stale: boolean }>
  t.deepEqual(listed.map((l) => [l.runner, l.stale]), [[runner, true]])
  const cleanup = await cliInProcess(['state', 'cleanup', '--store', store])
  t.is(cleanup.code, 0, cleanup.stderr)
  t.true(cleanup.stdout.includes(`removed stale lease pipelines/cli-checkpointed/lease of runner ${runner} (token 1): its process ${child.pid} on ${hostname()} is dead`), cleanup.stdout)
  t.deepEqual(JSON.parse((await cliInProcess(['runner', 'list', '--store', store, '--json'])).stdout), [])
  const v = await show(store, 'cli-checkpointed')
  t.is(v.run?.status, 'failed')
  t.is(v.run?.errors.at(-1)?.code, 'ERR_RUNNER_DIED')
  t.is(v.lease, null)
  const again = await cliInProcess(['state', 'cleanup', '--store', store, '--json'])
  t.deepEqual(JSON.parse(again.stdout), { leases: [], runRecords: [], stopRequests: [], orphanCheckpoints: [], tempFiles: 0, lockFiles: [] })
})

const usageErrors: Array<[args: string[], message: string]> = [
  [['state'], 'oxiflow state needs an action (show, list, cleanup, export, import)'],
  [['state', 'show'], 'oxiflow state show needs pipeline'],
  [['state', 'list', 'x'], 'too many arguments for oxiflow state list: x'],
  [['state', 'list', '--stale'], 'option --stale does not apply to oxiflow state list'],
  [['state', 'import', 'p'], 'oxiflow state import needs FILE'],
  [['state', 'show', 'p', '--store', '/nonexistent/oxiflow-store'], 'no store at /nonexistent/oxiflow-store: the directory does not exist'],
  [['runner', 'stop'], 'oxiflow runner stop takes one runner id (got 0)'],
  [['runner', 'stop', 'r', '--timeout', 'soon'], '--timeout must be a non-negative number of milliseconds (got "soon")'],
  [['run', 'test/fixtures/cli/completes.ts', '--metrics-port', '70000'], '--metrics-port must be a port number from 0 to 65535 (got "70000")'],
  [['run', 'test/fixtures/cli/completes.ts', '--metrics-host', '0.0.0.0'], '--metrics-host needs --metrics-port'],
]

for (const [args, message] of usageErrors) {
  test(`oxiflow ${args.join(' ')} is a usage error (exit 2) saying the fix`, async (t) => {
    t.timeout(180_000)
    const r = await cliInProcess(args)
    t.is(r.code, 2, r.stderr)
    t.true(r.stderr.includes(message), r.stderr)
  })
}

test('state show of a pipeline the store does not know exits 2 (a bad value) naming it; --json has the error', async (t) => {
  t.timeout(180_000)
  const dir = await tempDir(t)
  await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', join(dir, 'store')])
  const r = await cliInProcess(['state', 'show', 'clikcs', '--store', join(dir, 'store'), '--json'])
  t.is(r.code, 2)
  t.is((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'ERR_PIPELINE_UNKNOWN')
  t.true(r.stderr.includes("pipeline 'clikcs' is unknown to file store "), r.stderr)
})

test('state import of a file that cannot be read, and export to one that cannot be written, exit 2 naming the file and why, without a stack', async (t) => {
  t.timeout(180_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', store])
  const cases: Array<[string[], string]> = [
    [['import', 'cli-completes', join(dir, 'missing.json')], `cannot read '${join(dir, 'missing.json')}': no such file; give the file oxiflow state export wrote`],
    [['import', 'cli-completes', dir], `cannot read '${dir}': it is a directory`],
    [['export', 'cli-completes', '--out', join(dir, 'no', 'such', 'x.json')], `cannot write '${join(dir, 'no', 'such', 'x.json')}': its directory does not exist; give --out a file in an existing, writable directory`],
    [['export', 'cli-completes', '--out', dir], `cannot write '${dir}': it is a directory`],
  ]
  for (const [args, message] of cases) {
    const r = await cliInProcess(['state', ...args, '--store', store])
    t.is(r.code, 2, `state ${args.join(' ')}: ${r.stderr}`)
    t.true(r.stderr.includes(message), r.stderr)
    t.false(r.stderr.includes('OXIFLOW_DEBUG'), r.stderr)
  }
})

test('state show and runner list work on a shared Redis store; a store URL\'s credentials never reach the output', async (t) => {
  t.timeout(180_000)
  const { Redis } = await import('ioredis')
  const prefix = `oxiflow-cli-state-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const url = `redis://127.0.0.1:6379/0?prefix=${prefix}`
  t.teardown(async () => {
    const redis = new Redis('redis://127.0.0.1:6379/0')
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  const run = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', url])
  t.is(run.code, 0, run.stderr)
  const v = await show(url, 'cli-completes')
  t.is(v.run?.status, 'completed')
  t.is(v.run?.recordsProcessed, 100)
  const secret = 's3cret-pw'
  const refused = await cliInProcess(['state', 'list', '--store', `redis://u:${secret}@127.0.0.1:1/0`, '--json'])
  t.is(refused.code, 1)
  t.is((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'ERR_STORE_UNAVAILABLE')
  t.false(refused.stdout.includes(secret) || refused.stderr.includes(secret), refused.stderr)
  t.true(refused.stderr.includes('redis://***@127.0.0.1:1/0'), refused.stderr)
})

test("state import into a PostgreSQL store: the command it suggests keeps the URL's password masked", async (t) => {
  t.timeout(180_000)
  const dir = await tempDir(t)
  const schema = `oxiflow_cli_import_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  t.teardown(() => dropPostgresSchema(schema))
  const run = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', join(dir, 'a')])
  t.is(run.code, 0, run.stderr)
  const file = join(dir, 'state.json')
  const exported = await cliInProcess(['state', 'export', 'cli-completes', '--store', join(dir, 'a'), '--out', file])
  t.is(exported.code, 0, exported.stderr)
  const secret = 's3cret-pw'
  // The local server trusts every connection, so any password opens it.
  const imported = await cliInProcess(['state', 'import', 'cli-completes', file, '--store', `postgres://postgres:${secret}@127.0.0.1:5432/test?schema=${schema}`])
  t.is(imported.code, 0, imported.stderr)
  t.false(imported.stdout.includes(secret) || imported.stderr.includes(secret), imported.stdout + imported.stderr)
  t.true(imported.stdout.includes(`--store postgres://***@127.0.0.1:5432/test?schema=${schema} --restore latest`), imported.stdout)
})
