import test from 'ava'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { cliInProcess, root } from './run-cli.ts'

const bin = fileURLToPath(new URL('../../bin/oxiflow.mjs', import.meta.url))

/** Runs the CLI with a stdout pipe that is closed before it writes (`oxiflow … | head -0`). */
function withClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.destroy() // the reader is gone: the CLI's first write gets EPIPE
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })))
}

for (const args of [['--help'], ['state', 'list', '--store', 'STORE']]) {
  test(`oxiflow ${args.join(' ')} into a closed pipe exits 0 without an EPIPE crash`, async (t) => {
    t.timeout(60_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-exit-misc-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    new FileStore(join(dir, 'store')) // eslint-disable-line no-new -- an empty store to list
    const r = await withClosedStdout(args.map((a) => a === 'STORE' ? join(dir, 'store') : a))
    t.is(r.code, 0, r.stderr)
    t.false(r.stderr.includes('EPIPE'), r.stderr)
  })
}

test('run of a pipeline with a duplicate step name exits 2 (a usage error) naming the step', async (t) => {
  t.timeout(30_000)
  const r = await cliInProcess(['run', 'test/fixtures/misc/duplicate-steps.ts'])
  t.is(r.code, 2)
  t.true(r.stderr.includes("step name 'double' is used twice (map at position 1 and map at position 2); give each step its own name"), r.stderr)
})

test('run with a bad value exits 2 (a usage error): a store URL no store takes, a checkpoint id the store lacks', async (t) => {
  t.timeout(30_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-exit-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const scheme = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', 'mysql://u:pw@db/x'])
  t.is(scheme.code, 2, scheme.stderr)
  t.true(scheme.stderr.includes('mysql:// is not a store oxiflow knows'), scheme.stderr)
  const missing = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', join(dir, 'store'), '--restore', '999'])
  t.is(missing.code, 2, missing.stderr)
  t.true(missing.stderr.includes('checkpoint 999 of pipeline'), missing.stderr)
  // A store path naming a file (the module itself, a system file) and a scheme no store takes: 2 in the operator's commands as in run.
  for (const args of [['run', 'test/fixtures/cli/completes.ts', '--store', 'test/fixtures/cli/completes.ts'], ['state', 'list', '--store', '/etc/passwd'],
    ['checkpoints', 'list', 'p', '--store', 'mysql://u:pw@db/x'], ['runner', 'list', '--store', 'ftp://x/y']]) {
    const r = await cliInProcess(args)
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    t.regex(r.stderr, /names a file, not a directory: a file store is a directory|is not a store oxiflow knows/)
    t.false(r.stderr.includes('pw@'), r.stderr)
  }
})

test('a run refused for a checkpoint id the store lacks leaves the record of the pipeline\'s last run as it was', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-exit-record-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = join(dir, 'store')
  t.is((await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', store])).code, 0)
  const before = await cliInProcess(['state', 'show', 'cli-completes', '--store', store, '--json'])
  const refused = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--store', store, '--restore', '42'])
  t.is(refused.code, 2, refused.stderr)
  const after = await cliInProcess(['state', 'show', 'cli-completes', '--store', store, '--json'])
  t.is(JSON.parse(after.stdout).run.status, 'completed')
  t.deepEqual(JSON.parse(after.stdout), JSON.parse(before.stdout))
})
