// The real `oxiflow run` command: a stalled job warns on stderr naming the step, and a graceful
// stop (SIGTERM) that cannot finish — a sink write that never settles — exits 1 within
// --stop-timeout, saying what it waits for; it used to hang until a second signal (and, with a
// source read that hangs, for good).
import test from 'ava'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../cli/run-cli.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const bin = fileURLToPath(new URL('../../../bin/oxiflow.mjs', import.meta.url))

/** Starts `oxiflow run` on a fixture that stalls and waits for its stall warning; `stderr()` is what it wrote so far. */
async function startStalled(t: { teardown(f: () => void): void }, fixture: string, params: object, stopTimeout: number, more: string[] = []) {
  const child = spawn(process.execPath, [bin, 'run', fixture, '--params', JSON.stringify(params),
    '--stall-timeout', '300', '--stop-timeout', String(stopTimeout), ...more], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OXIFLOW_ON_STALL: 'warn' } })
  t.teardown(() => { child.kill('SIGKILL') })
  let stderr = ''
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; if (stderr.includes('stalled')) resolve() })
    void exited.then((code) => reject(new Error(`exited (${code}) before warning: ${stderr}`)))
  })
  return { child, exited, stderr: () => stderr }
}

test('SIGTERM on a stalled job: the stop times out, exit 1, stderr names the wait', async (t) => {
  t.timeout(60_000)
  const { child, exited, stderr } = await startStalled(t, 'test/fixtures/stall/stuck-sink.ts', { records: 50000 }, 1000)
  t.regex(stderr(), /oxiflow: warning: pipeline 'stall-stuck-sink': stalled .*'tag → out' #0: \d+ message\(s\) queued, handling a message/)
  const signalled = Date.now()
  child.kill('SIGTERM')
  const code = await exited
  t.is(code, 1, stderr())
  t.true(Date.now() - signalled < 15_000, `exited ${Date.now() - signalled} ms after SIGTERM`)
  t.regex(stderr(), /graceful stop did not finish within 1000 ms \(stopTimeout\); it waits for: step 'tag → out' #0/)
})

test('SIGTERM while a source read hangs, --stop-timeout 2000: exit 1 within the limit, stderr names the close it waits for', async (t) => {
  t.timeout(60_000)
  // The source's stop grace (2 s) abandons the read and the run ends, but the reader's close
  // waits for that read: the process stayed up for good after SIGTERM.
  const { child, exited, stderr } = await startStalled(t, 'test/fixtures/stall/stuck-read.ts', { okRecords: 20 }, 2000)
  const signalled = Date.now()
  child.kill('SIGTERM')
  const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running 15 s after SIGTERM'), 15_000).unref())])
  t.is(code, 1, stderr())
  t.true(Date.now() - signalled < 6_000, `exited ${Date.now() - signalled} ms after SIGTERM`)
  t.regex(stderr(), /graceful stop did not finish within 2000 ms \(stopTimeout\); it waits for the hosts to close: .*closing the reader of source 'numbers'/)
})

test('runner stop of a stalled job whose stop fails: exit 1, saying the stop failed, not "stopped … final checkpoint"', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-stall-runner-stop-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = join(dir, 'store')
  const { child, exited, stderr } = await startStalled(t, 'test/fixtures/stall/stuck-sink.ts', { records: 50000 }, 1000, ['--store', store])
  const stop = await runCli(['runner', 'stop', `${hostname()}:${child.pid}`, '--store', store, '--timeout', '30000'])
  t.is(await exited, 1, stderr())
  // Found from outside: it printed "stopped pipeline … (failed, final checkpoint 9)" and exited 0.
  t.is(stop.code, 1, stop.stderr + stop.stdout)
  t.regex(stop.stdout, /runner .+ released pipeline 'stall-stuck-sink' but its stop failed \(run record: failed/)
})
