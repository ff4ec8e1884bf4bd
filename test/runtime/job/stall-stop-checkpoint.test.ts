// A graceful stop that times out behind a checkpoint still in progress says so: which checkpoint,
// for how long, and what it does (here: its manifest's write into a store that never answers).
// It said 'no instance reports a queue or a wait', which sent the reader looking at the steps.
import test from 'ava'
import { isStallError, pipeline, sinks, sources, stores, type StallError, type StateStore } from '../../../index.ts'

test('a stop that times out while a checkpoint writes its manifest names the checkpoint and what it does', async (t) => {
  t.timeout(30_000)
  let hung = false
  const memory = stores.memory()
  const store = Object.assign(Object.create(memory) as StateStore, {
    put(key: string, bytes: Uint8Array, opts?: Parameters<StateStore['put']>[2]): Promise<void> {
      if (key.endsWith('manifest.json')) { hung = true; return new Promise<void>(() => {}) }
      return memory.put(key, bytes, opts)
    },
  })
  const job = pipeline('stall-stop-checkpoint').source('in', sources.generator({ seed: 1, rate: 2_000 })).sink('out', sinks.collect())
    .run({ store, checkpointInterval: 50, stopTimeout: 1_000 })
  for (let i = 0; i < 200 && !hung; i++) await new Promise((r) => setTimeout(r, 25))
  t.true(hung, 'a checkpoint reached its manifest')
  const e = await t.throwsAsync(job.stop()) as StallError
  t.true(isStallError(e), String(e))
  t.is(e.during, 'stop')
  t.regex(e.message, /graceful stop did not finish within 1000 ms \(stopTimeout\); it waits for: .*; checkpoint 1, which checkpoints asked for later wait behind, for \d+\.\d s: writing its manifest$/)
})
