import test from 'ava'
import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { InvalidStateBundleError } from '../../persistence/run-state/invalid-state-bundle-error.ts'
import { PipelineLiveError } from '../../persistence/run-state/pipeline-live-error.ts'
import { cleanupState } from '../../persistence/run-state/cleanup-state.ts'
import { readRunRecord, updateRunRecord } from '../../persistence/run-state/run-records.ts'
import { checkStateBundle, exportPipelineState, importPipelineState } from '../../persistence/run-state/state-bundle.ts'
import { requestStop, stopRequestKey, stopRequested } from '../../persistence/run-state/stop-request.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import type { LeaseOwner } from '../../persistence/stores/state-store.ts'
import { blankRunRecord } from '../fixtures/run-state-blank.ts'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'

function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve(child.pid!))
  })
}

const live = (runner: string): LeaseOwner => ({ runner, host: hostname(), pid: process.pid })

test('cleanupState_deadRunnersLease_releasedAndItsRunMarkedFailed_liveLeaseKept', async (t) => {
  const store = new MemoryStore()
  const dead: LeaseOwner = { runner: 'gone', host: hostname(), pid: await deadPid() }
  const deadLease = (await store.lease('pipelines/a/lease', dead, 60_000))!
  await store.lease('pipelines/b/lease', live('alive'), 60_000)
  await updateRunRecord(store, 'a', () => blankRunRecord('a', { runner: dead, lease: { name: deadLease.name, token: deadLease.token } }))
  const report = await cleanupState(store, { staleOnly: true })
  t.deepEqual(report.leases.map((l) => [l.name, l.runner, l.token]), [['pipelines/a/lease', 'gone', deadLease.token]])
  t.regex(report.leases[0]!.reason, new RegExp(`its process ${dead.pid} on .* is dead`))
  t.deepEqual((await store.leases()).map((l) => l.name), ['pipelines/b/lease'])
  const a = await readRunRecord(store, 'a')
  t.is(a?.status, 'failed')
  t.is(a?.errors.at(-1)?.code, 'ERR_RUNNER_DIED')
  t.deepEqual(await cleanupState(store, { staleOnly: false }), { leases: [], runRecords: [], stopRequests: [], orphanCheckpoints: [] }, 'a second cleanup finds nothing')
})

test('cleanupState_runRecordWhoseCheckpointsWereDeleted_removedUnlessStaleOnly', async (t) => {
  const store = new MemoryStore()
  const cp = { id: 4, time: 1, bytes: 10, durationMs: 1 }
  await updateRunRecord(store, 'deleted', () => blankRunRecord('deleted', { status: 'stopped', lastCheckpoint: cp }))
  await updateRunRecord(store, 'kept', () => blankRunRecord('kept', { status: 'stopped', lastCheckpoint: cp }))
  await store.put('pipelines/kept/checkpoints/0000000004/manifest.json', new Uint8Array([1]))
  await updateRunRecord(store, 'batch', () => blankRunRecord('batch', { status: 'completed' })) // never checkpointed: kept
  t.deepEqual((await cleanupState(store, { staleOnly: true })).runRecords, [])
  const report = await cleanupState(store, { staleOnly: false })
  t.deepEqual(report.runRecords.map((r) => r.pipelineId), ['deleted'])
  t.is(await readRunRecord(store, 'deleted'), undefined)
  t.truthy(await readRunRecord(store, 'kept'))
  t.truthy(await readRunRecord(store, 'batch'))
})

test('exportPipelineState_thenImportIntoAnEmptyStore_sameKeysBytesAndRunRecord', async (t) => {
  const from = new MemoryStore()
  // Real checkpoints: an import verifies every manifest and blob before it writes anything.
  const cs = new CheckpointStore(from, 'p')
  await writeCheckpoint(cs, [{ stateId: 'gen/pos', state: { offset: 7 } }])
  await writeCheckpoint(cs, [{ stateId: 'agg/sum', state: new Map([[3, 21n]]), keyGroups: { start: 0, end: 63 } }])
  await from.put('pipelines/other/checkpoints/0000000001/manifest.json', new Uint8Array([9]))
  await updateRunRecord(from, 'p', () => blankRunRecord('p', { status: 'running', recordsProcessed: 77 }))
  const bundle = checkStateBundle(JSON.parse(JSON.stringify(await exportPipelineState(from, 'p'))), 'p', 'p.json')
  const to = new MemoryStore()
  const report = await importPipelineState(to, bundle)
  t.deepEqual(report.checkpointIds, [1, 2])
  t.deepEqual(await to.list(''), [...await from.list('pipelines/p/')])
  for (const key of await from.list('pipelines/p/')) t.deepEqual(await to.get(key), await from.get(key), key)
  const run = await readRunRecord(to, 'p')
  t.is(run?.recordsProcessed, 77)
  t.is(run?.status, 'pending', 'a run exported while running is pending here: nothing runs it yet')
  t.deepEqual(await to.leases(), [], 'the import released the lease it held')
})

test('importPipelineState_whileARunnerHoldsTheLease_refusedWithPipelineLiveError', async (t) => {
  const store = new MemoryStore()
  await store.lease('pipelines/p/lease', live('r1'), 60_000)
  const bundle = { format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'p', exportedAt: 0, run: null, checkpoints: [] } as const
  const e = await t.throwsAsync(importPipelineState(store, bundle), { instanceOf: PipelineLiveError })
  t.is(e?.code, 'ERR_LEASE_HELD')
  t.regex(e!.message, /^cannot import state into pipeline 'p': it is live — runner r1 holds its lease \(expires in \d+ s\); stop it first \(oxiflow runner stop r1\)/)
})

test('checkStateBundle_wrongShapes_namedInTheMessage', (t) => {
  const cases: Array<[unknown, string]> = [
    [{ hello: 1 }, 'no "kind": "oxiflow-pipeline-state" with "format": 1'],
    [{ format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'q', run: null, checkpoints: [] }, "it holds pipeline 'q', not 'p' (checkpoints name their pipeline)"],
    [{ format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'p', run: null, checkpoints: [{ key: 1 }] }, '"checkpoints" is not a list of { key, base64 }'],
    [{ format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'p', run: { x: 1 }, checkpoints: [] }, '"run" is neither null nor a run record of format 1'],
  ]
  for (const [value, problem] of cases) {
    const e = t.throws(() => checkStateBundle(value, 'p', 'f.json'), { instanceOf: InvalidStateBundleError })
    t.is(e?.message, `f.json is not an oxiflow state export of the pipeline asked for: ${problem} — import a file written by oxiflow state export <pipeline> --out FILE, under the same pipeline id`)
  }
})

test('cleanupState_stopRequestWhoseLeasesAreGone_removed_oneStillPendingKept', async (t) => {
  const store = new MemoryStore()
  const held = (await store.lease('pipelines/live/lease', live('r-live'), 60_000))!
  await requestStop(store, 'r-live', [{ name: held.name, token: held.token }], 'test')
  await requestStop(store, 'r-gone', [{ name: 'pipelines/gone/lease', token: 4 }], 'test')
  const report = await cleanupState(store, { staleOnly: false })
  t.deepEqual(report.stopRequests, ['r-gone'])
  t.is((await store.getRecord(stopRequestKey('r-gone')))?.value, null)
  t.truthy(await stopRequested(store, 'r-live', held.name, held.token), 'a request its runner has not acted on yet stays')
  t.deepEqual((await cleanupState(store, { staleOnly: false })).stopRequests, [])
})
