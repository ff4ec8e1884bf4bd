// A restore of sources.iterable reads its input again from the start and skips what the
// checkpoint covers, inside the source's first read: for a paced async iterable that takes as long
// as reading it did. The skip is progress, not a read that never returns: it used to be reported
// as a stall, and under onStall 'fail' the restore failed (found from outside).
import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline, sinks, sources, stores } from '../../../index.ts'

const count = 30_000
/** Re-iterable (a fresh generator per call), paced: a 1 ms sleep every 20 records. */
const paced = { async *[Symbol.asyncIterator]() { for (let id = 0; id < count; id++) { if (id % 20 === 0) await sleep(1); yield { id, key: `k${id % 5}` } } } }
const build = () => pipeline('paced-skip').source('in', sources.iterable(paced))
  .keyBy((r) => r.key).reduce('n', (n: number) => n + 1, () => 0).sink('out', sinks.collect())

test('a restore that skips a paced async iterable for longer than stallTimeout is no stall: onStall fail, and the job completes', async (t) => {
  t.timeout(120_000)
  const store = stores.memory()
  const first = build().run({ store })
  while ((first.metrics().steps.in?.recordsOut ?? 0) < 15_000) await sleep(20)
  const stopped = await first.stop()
  const position = stopped.steps.in!.recordsOut
  const started = performance.now()
  const s = await build().run({ store, restore: 'latest', stallTimeout: 300, onStall: 'fail' }).done
  const ms = performance.now() - started
  t.is(s.status, 'completed')
  t.is(s.steps.in!.recordsOut, count - position)
  // Else the test proves nothing: the skip alone must outlast stallTimeout.
  t.true(ms > 600, `the restored run took ${Math.round(ms)} ms for a skip of ${position} records`)
})
