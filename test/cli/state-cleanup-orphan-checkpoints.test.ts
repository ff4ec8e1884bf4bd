import test, { type ExecutionContext } from 'ava'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { encodeSnapshot } from '../../persistence/codec/encode-snapshot.ts'
import { stores } from '../../index.ts'
import { writeCheckpoint } from '../persistence/checkpoint-fixture.ts'
import { cliInProcess, runCli } from './run-cli.ts'

// Issue 13, low item: after a full disk (or a kill before the manifest), checkpoint folders
// without a manifest stayed for good — retain removes only folders older than the oldest kept
// checkpoint, and `state cleanup` ignored them. Cleanup removes those no runner can be writing.

const holders = [{ stateId: 'agg/sum', state: new Map([['a', 1n]]) }]

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-orphans-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Writes a blob into folder `id` and no manifest: what a checkpoint that failed before its commit leaves. */
async function orphan(cs: CheckpointStore, id: number): Promise<void> {
  await cs.writeBlob(id, 'agg/sum', undefined, await encodeSnapshot(new Map([['x', 1n]]), 'zstd'))
  await cs.writeBlob(id, 'src/offsets', undefined, await encodeSnapshot({ offset: id }, 'zstd'))
}

async function folders(dir: string, pipelineId: string): Promise<string[]> {
  return (await readdir(join(dir, 'data', 'pipelines', pipelineId, 'checkpoints')).catch(() => [])).sort()
}

test('state cleanup removes folders without a manifest that no runner can be writing; keeps the newest one of a running pipeline', async (t) => {
  t.timeout(60_000)
  const dir = await tempDir(t)
  const store = stores.file(dir)
  // 'idle': 1 committed, 2 orphaned (3 came after it), 3 committed, 4 orphaned and newest, no runner.
  const idle = new CheckpointStore(store, 'idle')
  await writeCheckpoint(idle, holders)
  await orphan(idle, 2)
  await writeCheckpoint(idle, holders)
  await orphan(idle, 4)
  // 'busy': a live runner (this process) holds its lease; 2 is dead (3 came after), 3 may be in progress.
  const busy = new CheckpointStore(store, 'busy')
  await writeCheckpoint(busy, holders)
  await orphan(busy, 2)
  await orphan(busy, 3)
  const lease = await store.lease('pipelines/busy/lease', { runner: 'test-runner', host: hostname(), pid: process.pid }, 60_000)
  t.truthy(lease)
  await store.close()

  const r = await cliInProcess(['state', 'cleanup', '--store', dir])
  t.is(r.code, 0, r.stderr)
  t.is(r.stdout, [
    "removed unfinished checkpoint 2 of pipeline 'busy' (2 keys): no manifest, and checkpoint 3 came after it",
    "removed unfinished checkpoint 2 of pipeline 'idle' (2 keys): no manifest, and checkpoint 4 came after it",
    "removed unfinished checkpoint 4 of pipeline 'idle' (2 keys): no manifest, and no runner holds the pipeline (none can be writing it)",
  ].join('\n') + '\n')
  t.deepEqual(await folders(dir, 'idle'), ['0000000001', '0000000003'])
  t.deepEqual(await folders(dir, 'busy'), ['0000000001', '0000000003'])
  const verify = await cliInProcess(['checkpoints', 'verify', 'idle', '--store', dir])
  t.is(verify.stdout, 'checkpoint 3: ok\ncheckpoint 1: ok\n')
  const again = await cliInProcess(['state', 'cleanup', '--store', dir, '--json'])
  t.deepEqual(JSON.parse(again.stdout).orphanCheckpoints, [])
})

test('a runner SIGKILLed before the manifest of checkpoint 2: cleanup releases its lease and removes the folder; restore latest takes 1', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const killed = await runCli(['run', 'test/fixtures/cli/checkpointed.ts', '--store', store, '--checkpoint-interval', '50',
    '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: 20_000, rate: 10_000 })], { OXIFLOW_FAULT: 'before-manifest:2' })
  t.is(killed.signal, 'SIGKILL', killed.stderr)
  const before = await folders(store, 'cli-checkpointed')
  t.deepEqual(before, ['0000000001', '0000000002'])
  t.false((await readdir(join(store, 'data', 'pipelines', 'cli-checkpointed', 'checkpoints', '0000000002'))).includes('manifest.json'))
  const r = await cliInProcess(['state', 'cleanup', '--store', store])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /removed stale lease pipelines\/cli-checkpointed\/lease/)
  t.regex(r.stdout, /removed unfinished checkpoint 2 of pipeline 'cli-checkpointed' \(\d+ keys\): no manifest, and no runner holds the pipeline/)
  t.deepEqual(await folders(store, 'cli-checkpointed'), ['0000000001'])
  const restored = await cliInProcess(['run', 'test/fixtures/cli/checkpointed.ts', '--store', store, '--restore', 'latest',
    '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: 20_000, rate: 100_000 })])
  t.is(restored.code, 0, restored.stderr)
  t.regex(restored.stderr, /restored pipeline 'cli-checkpointed' from checkpoint 1\b/)
})
