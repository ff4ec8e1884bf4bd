// The real `oxiflow run` against a file store whose pipeline lease was left by an earlier life of
// its own pid — PID 1 of a restarted container: the CLI runs at once (5a5b78f: exit 3, "lease
// held by earlier-life", until the TTL ran out). A live holder with its real start still makes
// it exit 3. The pid is known before the CLI starts because a shell takes it and then execs the
// CLI (exec keeps the pid and its start); the starts are read from /proc by the test itself.
import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileStore } from '../../persistence/stores/file-store.ts'
import type { LeaseOwner } from '../../persistence/stores/state-store.ts'
import { root, runCli, type CliResult } from '../cli/run-cli.ts'

const FIXTURE = 'test/fixtures/cli/checkpointed.ts'
const COUNT = 200
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return `${bootId}/${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-lease-identity-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function runArgs(dir: string): string[] {
  return ['run', FIXTURE, '--store', join(dir, 'store'), '--json', '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: COUNT, rate: 100_000 })]
}

/** Leaves the pipeline's lease to `owner` for a minute, as a runner killed with its container would. */
async function plantLease(dir: string, owner: LeaseOwner): Promise<void> {
  const store = new FileStore(join(dir, 'store'))
  try {
    if (!(await store.lease('pipelines/cli-checkpointed/lease', owner, 60_000))) throw new Error('the lease to plant was refused')
  } finally {
    await store.close()
  }
}

/** The sum of the last count per key in the fixture's output (each line is `{ key, value }`: a running count). */
async function recordsCounted(path: string): Promise<number> {
  const last = new Map<string, number>()
  for (const line of (await readFile(path, 'utf8')).split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { key: string; value: number }
    last.set(r.key, Math.max(last.get(r.key) ?? 0, r.value))
  }
  return [...last.values()].reduce((a, b) => a + b, 0)
}

test('oxiflow run whose own pid held the lease in an earlier life (container PID 1) takes it at once and runs', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  // The shell waits for a line, then becomes the CLI under the same pid.
  const bin = join(root, 'bin/oxiflow.mjs')
  const child = spawn('sh', ['-c', `read _; exec "${process.execPath}" "${bin}" "$@"`, 'sh', ...runArgs(dir)], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const done = new Promise<number | null>((resolve) => child.on('close', resolve))
  const pid = child.pid!
  const earlierLife = `${bootId}/1` // lower than this boot's tick count now: an earlier process with this pid
  t.not(startOf(pid), earlierLife)
  await plantLease(dir, { runner: 'earlier-life', host: hostname(), pid, start: earlierLife })
  child.stdin.end('go\n')
  const code = await done
  t.is(code, 0, stderr)
  t.like(JSON.parse(stdout), { status: 'completed' })
  t.is(await recordsCounted(join(dir, 'out.jsonl')), COUNT)
})

test('oxiflow run while a live holder with its real start has the lease exits 3 naming it', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' })
  t.teardown(() => { holder.kill('SIGKILL') })
  await plantLease(dir, { runner: 'live-holder', host: hostname(), pid: holder.pid!, start: startOf(holder.pid!) })
  const r: CliResult = await runCli(runArgs(dir))
  t.is(r.code, 3, r.stderr)
  t.true(r.stderr.includes('is already running: lease held by live-holder'), r.stderr)
})
