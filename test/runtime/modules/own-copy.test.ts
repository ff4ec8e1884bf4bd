// A user's module with its own copy of oxiflow: a TypeScript module in a project without
// "type": "module" is loaded by tsx as CommonJS, and its `import … from 'oxiflow'` requires the
// package's files again — a second copy of every class in the thread. On workers the host (the
// CLI's copy) runs the sources and sinks the module's copy built; what they throw must still be
// told apart by the host's classes. Before the fix a jsonl sink's RecordEncodeError for one record
// failed its whole batch on 2 workers (1,000 failed, though the sink had written the other 999),
// and a restore whose sink path changed wrapped SinkTargetChangedError in advice to fix a
// holder's restore(). Real processes on the built package (`npm test` builds it first).
import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OxiflowError, isOxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import { RecordEncodeError } from '../../../runtime/errors/record-encode-error.ts'
import { SinkTargetChangedError } from '../../../runtime/errors/sink-target-changed-error.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const cli = join(root, 'bin/oxiflow.mjs')

const JOB = `import { pipeline, sources, sinks } from 'oxiflow'
export default (params: { out: string }) => {
  const p = pipeline('own-copy')
  p.source('events', sources.generator({ seed: 1, count: 1000, keys: 10 }))
    .map('m', (r) => (r.id === 5 ? { ...r, big: 10n } : r))
    .sink('out', sinks.jsonl(params.out), { onError: 'skip' })
  return p
}
`

interface Ran { readonly code: number | null; readonly stdout: string; readonly stderr: string }

function runCli(dir: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: unknown }) | null
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr })
    })
  })
}

/** A project outside the repository, CommonJS by default (no "type"), with oxiflow linked into its node_modules. */
async function project(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-own-copy-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'node_modules'))
  await symlink(root, join(dir, 'node_modules/oxiflow'), 'dir')
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', private: true }))
  await writeFile(join(dir, 'job.ts'), JOB)
  return dir
}

for (const workers of [0, 2]) {
  test(`a sink of the module's own copy of oxiflow fails one record it cannot encode, not its batch, on ${workers} workers`, async (t) => {
    const dir = await project(t)
    const out = join(dir, 'out.jsonl')
    const ran = await runCli(dir, ['run', 'job.ts', '--workers', String(workers), '--json', '--params', JSON.stringify({ out })])
    t.is(ran.code, 0, ran.stderr)
    const summary = JSON.parse(ran.stdout) as { steps: Record<string, { recordsOut: number; failed: number }> }
    t.deepEqual(summary.steps.out, { ...summary.steps.out, recordsOut: 999, failed: 1 })
    const ids = (await readFile(out, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id)
    t.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i).filter((i) => i !== 5))
  })
}

test("a restore on 2 workers whose sink path changed says so, as inline (the module's own copy's SinkTargetChangedError is not wrapped as a holder's bug)", async (t) => {
  const dir = await project(t)
  const store = join(dir, 'store')
  const first = await runCli(dir, ['run', 'job.ts', '--store', store, '--params', JSON.stringify({ out: join(dir, 'a.jsonl') })])
  t.is(first.code, 0, first.stderr)
  for (const workers of [0, 2]) {
    const ran = await runCli(dir, ['run', 'job.ts', '--store', store, '--restore', 'latest', '--workers', String(workers),
      '--params', JSON.stringify({ out: join(dir, 'b.jsonl') })])
    t.is(ran.code, 1, `workers ${workers}: ${ran.stderr}`)
    t.regex(ran.stderr, /step 'out' \(jsonl sink\): the checkpoint continues '.*a\.jsonl'/, `workers ${workers}`)
    t.notRegex(ran.stderr, /fix its restore\(\)|restore\(\) of state/, `workers ${workers}`)
  }
})

test('an error of another copy of oxiflow is an instance of the class of this copy with its name, and of no other', (t) => {
  // The other copy, as it looks from here: classes of the same names, the same registered brand, no shared prototypes.
  const brand = Symbol.for('oxiflow.error')
  class OtherOxiflowBase extends Error {}
  Object.defineProperty(OtherOxiflowBase.prototype, brand, { value: true })
  Object.defineProperty(OtherOxiflowBase, 'name', { value: 'OxiflowError' })
  class SinkTargetChangedErrorCopy extends OtherOxiflowBase {}
  Object.defineProperty(SinkTargetChangedErrorCopy, 'name', { value: 'SinkTargetChangedError' })
  const foreign = new SinkTargetChangedErrorCopy('changed')
  t.true(foreign instanceof SinkTargetChangedError)
  t.true(foreign instanceof OxiflowError)
  t.true(isOxiflowError(foreign))
  t.false(foreign instanceof RecordEncodeError)
  // Without the brand, a class of the same name is not taken for oxiflow's.
  class SinkTargetChangedErrorLookalike extends Error {}
  Object.defineProperty(SinkTargetChangedErrorLookalike, 'name', { value: 'SinkTargetChangedError' })
  t.false(new SinkTargetChangedErrorLookalike('x') instanceof SinkTargetChangedError)
  t.false(isOxiflowError(new Error('plain')))
  t.false(isOxiflowError(null))
})
