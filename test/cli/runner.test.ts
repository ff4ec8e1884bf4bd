import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { root, cliInProcess, runCli, type CliResult } from './run-cli.ts'

// `oxiflow runner` and `run --metrics-port` against a live `oxiflow run` process: list the
// runner, scrape its metrics over HTTP, refuse an import into its live pipeline, stop it through
// the store (final checkpoint, exit 0), and restore: the output equals an uninterrupted run's.

const FIXTURE = 'test/fixtures/cli/checkpointed.ts'
const bin = fileURLToPath(new URL('../../bin/oxiflow.mjs', import.meta.url))

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-cli-runner-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Starts `oxiflow run` and resolves once its stderr says 'ready', with the metrics URL it printed. */
function startRun(args: string[]): Promise<{ pid: number; url: string; result: Promise<CliResult> }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  const result = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderr += s
      const url = /oxiflow: metrics on (http:\S+)/.exec(stderr)?.[1]
      if (url && stderr.includes('ready\n')) resolve({ pid: child.pid!, url, result })
    })
    void result.then((r) => reject(new Error(`oxiflow run exited (${r.code}) before 'ready': ${r.stderr}`)))
  })
}

test('runner list shows a live runner, its metrics are scraped over HTTP, runner stop ends it with a final checkpoint and exit 0, and a restore continues exactly', async (t) => {
  t.timeout(240_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  // A stream: 2,000 records/s of a million, so it runs until stopped however slow the commands below are.
  const params = JSON.stringify({ out: join(dir, 'out.jsonl'), count: 1_000_000, rate: 2000, readyAt: 500 })
  const { pid, url, result } = await startRun(['run', FIXTURE, '--store', store, '--checkpoint-interval', '100', '--params', params, '--metrics-port', '0', '--json'])
  const runner = `${hostname()}:${pid}`
  t.regex(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/)

  const scrape = await fetch(url)
  t.is(scrape.status, 200)
  const text = await scrape.text()
  const marked = /oxiflow_step_records_in_total\{step="mark",pipeline="cli-checkpointed"\} (\d+)/.exec(text)
  t.truthy(marked, text)
  t.true(Number(marked![1]) > 0)
  t.regex(text, /oxiflow_lease_held\{pipeline="cli-checkpointed"\} 1/)

  const list = await cliInProcess(['runner', 'list', '--store', store, '--json'])
  t.is(list.code, 0, list.stderr)
  const leases = JSON.parse(list.stdout) as Array<{ runner: string; pipelineId: string; stale: boolean; token: number }>
  t.deepEqual(leases.map((l) => [l.runner, l.pipelineId, l.stale]), [[runner, 'cli-checkpointed', false]])
  const active = await cliInProcess(['state', 'list', '--active', '--store', store, '--json'])
  t.deepEqual((JSON.parse(active.stdout) as Array<{ pipelineId: string }>).map((r) => r.pipelineId), ['cli-checkpointed'])

  const bundle = join(dir, 'empty.json')
  await writeFile(bundle, JSON.stringify({ format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'cli-checkpointed', exportedAt: 0, run: null, checkpoints: [] }))
  const refused = await cliInProcess(['state', 'import', 'cli-checkpointed', bundle, '--store', store])
  t.is(refused.code, 3, refused.stderr)
  t.true(refused.stderr.includes(`cannot import state into pipeline 'cli-checkpointed': it is live — runner ${runner} holds its lease`), refused.stderr)

  const stop = await cliInProcess(['runner', 'stop', runner, '--store', store, '--json'])
  t.is(stop.code, 0, stop.stderr)
  const stopped = JSON.parse(stop.stdout) as { stopped: Array<{ pipelineId: string; status: string; lastCheckpoint: number }> }
  t.is(stopped.stopped[0]?.status, 'stopped')
  const ran = await result
  t.is(ran.code, 0, ran.stderr)
  const summary = JSON.parse(ran.stdout) as { status: string; steps: Record<string, { recordsOut: number }>; checkpoints: { last: { id: number } } }
  t.is(summary.status, 'stopped')
  const position = summary.steps['gen']!.recordsOut
  t.true(position >= 500 && position < 1_000_000, 'stopped mid-stream')
  t.is(stopped.stopped[0]?.lastCheckpoint, summary.checkpoints.last.id, 'the final checkpoint is on record')
  t.deepEqual(JSON.parse((await cliInProcess(['runner', 'list', '--store', store, '--json'])).stdout), [], 'the lease was released')
  const cleanup = await cliInProcess(['state', 'cleanup', '--store', store, '--json'])
  t.like(JSON.parse(cleanup.stdout), { leases: [], stopRequests: [runner] }, 'the spent stop request is cleaned up')

  // The restore continues the same stream (records are a function of seed and id) up to a bound
  // past where it stopped; an uninterrupted run to that bound is the oracle.
  const end = position + 3000
  const reference = join(dir, 'reference.jsonl')
  const whole = await cliInProcess(['run', FIXTURE, '--params', JSON.stringify({ out: reference, count: end, rate: 50_000 })])
  t.is(whole.code, 0, whole.stderr)
  const resumed = await cliInProcess(['run', FIXTURE, '--store', store, '--restore', 'latest', '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: end, rate: 50_000 })])
  t.is(resumed.code, 0, resumed.stderr)
  t.true(resumed.stderr.includes(`restored pipeline 'cli-checkpointed' from checkpoint ${summary.checkpoints.last.id}`), resumed.stderr)
  const [actual, expected] = await Promise.all([readFile(join(dir, 'out.jsonl'), 'utf8'), readFile(reference, 'utf8')])
  t.is(actual.split('\n').length, end + 1)
  t.true(actual === expected, 'out.jsonl differs from the uninterrupted run')
})

test('runner stop of a runner that holds no lease exits 1 saying so', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', join(dir, 'store')])
  const r = await cliInProcess(['runner', 'stop', 'nobody', '--store', join(dir, 'store')])
  t.is(r.code, 1)
  t.true(r.stderr.includes('cannot stop runner nobody: it holds no live lease in file store '), r.stderr)
})
