// The checkpoint a job takes once every step ended is its last: its hosts close right after it.
// Found from outside (the incremental-restore property test on workers, then a script asking for
// checkpoints as the input ran out): a checkpoint asked for after that one waited forever on a
// closed worker — its promise never settled, and a script awaiting it exited with code 13
// (unsettled top-level await). Now it is refused at once with CheckpointAfterEndError, inline
// and on workers, and so is any asked for after job.done.
import test from 'ava'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { isCheckpointAfterEndError, stores, type CheckpointResult } from '../../../index.ts'
import build, { type Params } from '../../fixtures/incremental/keyed-counts.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/incremental/keyed-counts.ts')).href

/** The checkpoint's outcome, or a report of it still waiting after `ms`. */
function settled(p: Promise<CheckpointResult>, ms: number): Promise<CheckpointResult | unknown> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`still waiting after ${ms} ms`), ms) })
  return Promise.race([p.then((r) => r, (e: unknown) => e), late]).finally(() => clearTimeout(timer))
}

for (const workers of [0, 2]) {
  test(`on ${workers === 0 ? 'no workers (inline)' : `${workers} workers`}: checkpoints asked for as the input runs out settle, those after the last are refused, and the last restores with nothing left to do`, async (t) => {
    t.timeout(120_000)
    const params: Params = { seed: 11, count: 3000, keys: 300, rate: 20_000 }
    const store = stores.memory()
    const job = build(params).run({ store, checkpointTimeout: 20_000, ...(workers > 0 && { workers, module, params }) })
    while (job.metrics().status === 'starting') await sleep(1)
    // One after the other until the job is over, as a script would: one is in flight as the input
    // runs out, the ones after the end's are refused. (Every 2 ms without waiting queued hundreds,
    // and a loaded CI machine took longer than the test's timeout to take them.)
    const asked: Array<Promise<CheckpointResult>> = []
    let over = false
    void job.done.finally(() => { over = true })
    while (!over) {
      const p = job.checkpoint()
      asked.push(p)
      await settled(p, 30_000)
      await sleep(1) // refused at once after the end: no busy loop until done
    }
    const summary = await job.done
    t.is(summary.status, 'completed')
    const last = summary.checkpoints!.last!.id
    const outcomes = await Promise.all(asked.map((p) => settled(p, 10_000)))
    let refused = 0
    for (const o of outcomes) {
      if (isCheckpointAfterEndError(o)) refused++
      else if (typeof o === 'object' && o !== null && 'id' in o) t.true((o as CheckpointResult).id < last, `checkpoint ${(o as CheckpointResult).id} was taken before the end's (${last})`)
      else t.fail(`a checkpoint asked for near the end: ${String(o)}`)
    }
    t.log(`${asked.length} asked: ${asked.length - refused} taken, ${refused} refused; the end's checkpoint ${last}`)
    // On workers the hosts answer the end's checkpoint and close over several milliseconds, so
    // some are always asked for in between; inline that window can fall between two asks.
    if (workers > 0) t.true(refused > 0, 'some were asked for after the end')

    const after = await settled(job.checkpoint(), 5_000)
    t.true(isCheckpointAfterEndError(after), `a checkpoint asked for after job.done: ${String(after)}`)

    const again = await build(params).run({ store, restore: 'latest', ...(workers > 0 && { workers, module, params }) }).done
    t.is(again.restore?.checkpointId, last, "restored the end's checkpoint")
    t.deepEqual(again.results.out, [], 'nothing left to emit')
  })
}
