import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { manifestKey } from '../../persistence/checkpoints/checkpoint-layout.ts'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { stores } from '../../index.ts'
import { writeCheckpoint } from '../persistence/checkpoint-fixture.ts'
import { cliInProcess, root } from './run-cli.ts'

// Found from outside: `checkpoints verify p1` 30 times beside a job whose retention deleted
// checkpoints exited 2 ("checkpoint 11 … does not exist", though no id was named) 10 times, and
// with retain 1 exited 1 ("CORRUPT … step 'out': missing") 7 times. A checkpoint deleted
// during the verify is reported so and skipped; only one still committed and bad fails it.

const holders = [
  { stateId: 'src/offsets', state: { offset: 42 } },
  { stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]), dependsOn: ['src/offsets'] },
]

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-verify-retention-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/**
 * While `body` runs, the first get by a file store at `dir` of a key `at(victim, key)` matches deletes
 * checkpoint `victim` (as a running job's retention would) — `before` that get reads or `after`.
 */
async function deletingAt<T>(dir: string, at: (victim: number, key: string) => boolean, when: 'before' | 'after', victim: number, body: () => Promise<T>): Promise<T> {
  const original = FileStore.prototype.get
  let armed = true
  FileStore.prototype.get = async function (this: FileStore, key: string) {
    const hit = armed && this.describe() === `file store ${resolve(dir)}` && at(victim, key)
    if (hit) armed = false
    const remove = () => new CheckpointStore(this, 'p').delete(victim)
    if (hit && when === 'before') await remove()
    const bytes = await original.call(this, key)
    if (hit && when === 'after') await remove()
    return bytes
  }
  try {
    return await body()
  } finally {
    FileStore.prototype.get = original
  }
}

const folder = (id: number) => `/${String(id).padStart(10, '0')}/`
const cases: Array<[name: string, at: (victim: number, key: string) => boolean, when: 'before' | 'after']> = [
  // The listing reads manifests newest first: the victim's is the last it reads.
  ['deleted after the listing read its manifest', (victim, key) => key === manifestKey('p', victim), 'after'],
  ['deleted while its blobs were read', (victim, key) => key.includes(folder(victim)) && key.endsWith('.blob'), 'before'],
]

test.serial('checkpoints verify: a checkpoint deleted during the verify is reported deleted and skipped (exit 0); a committed bad one beside it still fails (exit 1)', async (t) => {
  t.timeout(60_000)
  for (const [name, at, when] of cases) {
    const dir = await tempDir(t)
    const store = stores.file(dir)
    const cs = new CheckpointStore(store, 'p')
    for (let i = 0; i < 3; i++) await writeCheckpoint(cs, holders)
    await store.close()
    const r = await deletingAt(dir, at, when, 1, () => cliInProcess(['checkpoints', 'verify', 'p', '--store', dir]))
    t.is(r.code, 0, `${name}: ${r.stderr}`)
    t.is(r.stdout, 'checkpoint 3: ok\ncheckpoint 2: ok\n' +
      'checkpoint 1: deleted during the verify (retention of a running job, or checkpoints delete): skipped, not corrupt\n', name)

    const json = await deletingAt(dir, at, when, 2, () => cliInProcess(['checkpoints', 'verify', 'p', '--store', dir, '--json']))
    t.is(json.code, 0, `${name}: ${json.stderr}`)
    t.deepEqual(JSON.parse(json.stdout), [{ checkpointId: 3, ok: true, problems: [] }, { checkpointId: 2, ok: true, problems: [], deleted: true }], name)
  }
  // A blob gone while its manifest stays committed is corruption, deleted neighbour or not.
  const dir = await tempDir(t)
  const store = stores.file(dir)
  const cs = new CheckpointStore(store, 'p')
  for (let i = 0; i < 3; i++) await writeCheckpoint(cs, holders)
  const broken = (await cs.read(3)).holders.find((h) => h.stateId === 'agg/sum')!.blob
  await store.delete(broken)
  await store.close()
  const r = await deletingAt(dir, cases[1]![1], 'before', 1, () => cliInProcess(['checkpoints', 'verify', 'p', '--store', dir]))
  t.is(r.code, 1, r.stderr)
  t.is(r.stdout, "checkpoint 3: CORRUPT (1 bad blob)\n  step 'agg' (agg/sum): missing\ncheckpoint 2: ok\n" +
    'checkpoint 1: deleted during the verify (retention of a running job, or checkpoints delete): skipped, not corrupt\n')
})

test('checkpoints verify beside a running job that keeps 1 checkpoint: never a usage error, never corrupt', async (t) => {
  t.timeout(150_000)
  const dir = await tempDir(t)
  const store = join(dir, 'st')
  const job = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/cli/retained-run.ts', store, join(dir, 'out.jsonl'), '1'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  job.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const exited = new Promise((r) => job.on('close', r))
  t.teardown(async () => { job.kill('SIGKILL'); await exited })
  const checkpoints = join(store, 'data', 'pipelines', 'cli-checkpointed', 'checkpoints')
  // Up to 60 s for the job to start and write: ava's other files load this 2-core machine too.
  const folders = async (): Promise<number> => (await readdir(checkpoints).catch(() => [])).length
  for (let i = 0; i < 1200 && await folders() < 2; i++) await new Promise((r) => setTimeout(r, 50))
  t.true(await folders() >= 2, `the job wrote no checkpoints in 60 s: ${stderr}`)
  const deleted = []
  for (let i = 0; i < 30; i++) {
    const r = await cliInProcess(['checkpoints', 'verify', 'cli-checkpointed', '--store', store])
    t.is(r.code, 0, `verify ${i + 1}: ${r.stdout}${r.stderr}\njob: ${stderr}`)
    if (r.stdout.includes('deleted during the verify')) deleted.push(i + 1)
    await new Promise((r) => setTimeout(r, 20))
  }
  t.log(`verifies that met a checkpoint deleted during them: ${deleted.length} of 30`)
})
