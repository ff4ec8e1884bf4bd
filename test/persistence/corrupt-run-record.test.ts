import test from 'ava'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { cleanupState } from '../../persistence/run-state/cleanup-state.ts'
import { isCorruptRunRecordError } from '../../persistence/run-state/corrupt-run-record-error.ts'
import { runRecordKey } from '../../persistence/run-state/run-record.ts'
import { readRunRecord, updateRunRecord } from '../../persistence/run-state/run-records.ts'
import { updateRecord } from '../../persistence/run-state/update-record.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { RedisStore } from '../../persistence/stores/redis-store.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { startedRecord } from '../../runtime/run-state/started-record.ts'
import { REDIS_URL, dropRedisPrefix, uniqueName } from '../fixtures/store-servers.ts'

// A run record whose value is not JSON (cut short, edited by hand): state list shows it as
// unreadable, state cleanup removes it, and a writer replaces it — before, every one of them
// failed on it (the Redis store even called it an outage).
const cases: Array<{ name: string; open: (t: { teardown(f: () => Promise<void>): void }) => Promise<{ store: StateStore; damage: () => Promise<void> }> }> = [
  {
    name: 'file store',
    async open(t) {
      const dir = await mkdtemp(join(tmpdir(), 'oxiflow-corrupt-record-'))
      t.teardown(() => rm(dir, { recursive: true, force: true }))
      const store = new FileStore(dir)
      return { store, damage: () => writeFile(join(dir, 'records', 'pipelines', 'p', 'run='), '{"version":2,"value":{"format":1,"pipel') }
    },
  },
  {
    name: 'Redis store',
    async open(t) {
      const prefix = uniqueName('corrupt')
      t.teardown(() => dropRedisPrefix(prefix))
      const store = new RedisStore(REDIS_URL, { prefix })
      return {
        store,
        async damage() {
          const client = new Redis(REDIS_URL)
          await client.hset(`${prefix}:r:${runRecordKey('p')}`, 'j', '{"format":1,"pipel')
          client.disconnect()
        },
      }
    },
  },
]

for (const c of cases) {
  test(`${c.name}: a run record that is not JSON reads as unreadable, state cleanup removes it, a writer replaces it`, async (t) => {
    const { store, damage } = await c.open(t)
    t.teardown(() => store.close())
    const owner = { runner: 'r', host: 'h', pid: 1 }
    await updateRunRecord(store, 'p', () => ({ ...startedRecord(undefined, { pipelineId: 'p', runId: 'x', startedAt: 1, owner, lease: null }, 2), status: 'completed' }))
    t.is((await readRunRecord(store, 'p'))?.status, 'completed')
    await damage()
    const e = await t.throwsAsync(readRunRecord(store, 'p'))
    t.true(isCorruptRunRecordError(e), String(e))
    const report = await cleanupState(store, { staleOnly: false })
    t.deepEqual(report.runRecords, [{ pipelineId: 'p', reason: 'unreadable: not a run record of format 1' }])
    t.is(await readRunRecord(store, 'p'), undefined)
    // Damaged again, a writer (a runner's record update) gets past it.
    await updateRecord(store, runRecordKey('p'), () => ({ v: 1 }))
    await damage()
    t.deepEqual(await updateRecord(store, runRecordKey('p'), (current) => ({ replaced: current === undefined })), { replaced: true })
  })
}
