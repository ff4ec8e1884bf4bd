import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { pipeline, sinks, sources, stores } from '../../index.ts'
import { writeCheckpoint } from '../persistence/checkpoint-fixture.ts'
import { cliInProcess } from './run-cli.ts'

// Issue 13, low item: `checkpoints verify <unknown pipeline>` printed nothing and exited 0 — a
// mistyped id passed for "every checkpoint sound".

test('checkpoints verify and list of a pipeline the store does not know: say so, exit 2 (a bad value); a known one without checkpoints: nothing to verify, exit 0', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-verify-unknown-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = stores.file(dir)
  await writeCheckpoint(new CheckpointStore(store, 'p'), [{ stateId: 'agg/sum', state: new Map([['a', 1]]) }])
  // A pipeline with a run record and no checkpoint: a job that failed before any was taken (one
  // that completes takes a final checkpoint).
  const failed = pipeline('r').source('gen', sources.generator({ seed: 1, count: 10, keys: 2 }))
    .map('boom', () => { throw new Error('boom') }).sink('out', sinks.collect()).run({ store }).done
  await t.throwsAsync(failed, { message: /boom/ })
  await store.close()

  const unknown = await cliInProcess(['checkpoints', 'verify', 'pq', '--store', dir])
  t.is(unknown.code, 2, unknown.stdout)
  t.regex(unknown.stderr, /pipeline 'pq' is unknown to file store .*: no run record, checkpoint or lease/)
  const json = await cliInProcess(['checkpoints', 'verify', 'pq', '--store', dir, '--json'])
  t.is(json.code, 2)
  t.like(JSON.parse(json.stdout), { status: 'failed', error: { name: 'PipelineUnknownError', code: 'ERR_PIPELINE_UNKNOWN' } })

  const none = await cliInProcess(['checkpoints', 'verify', 'r', '--store', dir])
  t.is(none.code, 0, none.stderr)
  t.regex(none.stdout, /no checkpoints of pipeline 'r' in file store .*: nothing to verify/)

  // So does list (found from outside: it printed "no checkpoints" and exited 0 for a mistyped id).
  const listUnknown = await cliInProcess(['checkpoints', 'list', 'pq', '--store', dir])
  t.is(listUnknown.code, 2, listUnknown.stdout)
  t.regex(listUnknown.stderr, /pipeline 'pq' is unknown to file store .*: no run record, checkpoint or lease/)
  const listNone = await cliInProcess(['checkpoints', 'list', 'r', '--store', dir])
  t.is(listNone.code, 0, listNone.stderr)
  t.regex(listNone.stdout, /^no checkpoints of pipeline 'r' in file store /)

  const known = await cliInProcess(['checkpoints', 'verify', 'p', '--store', dir])
  t.is(known.code, 0, known.stderr)
  t.is(known.stdout, 'checkpoint 1: ok\n')
})
