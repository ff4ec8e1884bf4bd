import test from 'ava'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { stores, type Job } from '../../../index.ts'
import build, { records } from '../../fixtures/state/keyed-state-workers.ts'
import { oracle, perKey, type Out } from '../../fixtures/state/keyed-state-oxi.ts'

// The same state on worker threads, stopped (final checkpoint) on 1 worker, restored on 3 and
// stopped again, restored on 2 and run to the end: per key, the output equals the plain loop's.
const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/state/keyed-state-workers.ts')).href
const params = { n: 3_000, slowMs: 0.2 }

/**
 * Stops once a checkpoint committed or 200 records went through the state step in this run,
 * whichever comes first: on a loaded machine a restored run on 3 workers read all its input
 * before its first periodic checkpoint. The stop takes the final checkpoint the next run restores.
 */
async function stopAfterCheckpoint(job: Job): Promise<Out[]> {
  while ((job.metrics().checkpoints?.completed ?? 0) < 1 && (job.metrics().steps.st?.recordsIn ?? 0) < 200) await sleep(5)
  const s = await job.stop()
  if (s.status !== 'stopped') throw new Error(`expected a stop mid-input, got ${s.status}`)
  return s.results.out as Out[]
}

test('on 1 → 3 → 2 workers, stopped and restored each time: output per key = the plain loop\'s', async (t) => {
  t.timeout(180_000)
  const store = stores.memory()
  const first = await stopAfterCheckpoint(build(params).run({ workers: 1, module, params, store, checkpointInterval: 30, batchSize: 16 }))
  const second = await stopAfterCheckpoint(build(params).run({ workers: 3, module, params, store, checkpointInterval: 30, batchSize: 16, restore: 'latest' }))
  const third = await build(params).run({ workers: 2, module, params, store, batchSize: 16, restore: 'latest' }).done
  t.is(third.status, 'completed')
  t.log(`records out per run: ${first.length}, ${second.length}, ${(third.results.out as Out[]).length}`)
  t.true(first.length < params.n && first.length + second.length < params.n, 'each stop fell mid-input')
  t.deepEqual(perKey([...first, ...second, ...(third.results.out as Out[])]), perKey(oracle(records(params.n))))
})
