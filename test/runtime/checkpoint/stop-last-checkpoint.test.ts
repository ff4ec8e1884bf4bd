// A graceful stop's checkpoint is the job's last. After its barrier each source split ends where
// it stopped — one at the cut, another one read past it — so a checkpoint taken later would cut
// at the highest split's next read and a restore would skip the reads the others never made.
// Found from outside: stop on 2 workers while a periodic checkpoint was due, restore on 2 or 3,
// and a window step lost records (they arrived late). The checkpoint asked for during the stop is
// refused, and the restore gives the uninterrupted run's output.
import test from 'ava'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isCheckpointAfterStopError, stores } from '../../../index.ts'
import { perKey } from '../../fixtures/crash/harness.ts'
import build, { rescaleOracle as oracle } from '../../fixtures/crash/rescale.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/crash/rescale.ts')).href
const lines = 40_000

for (const [first, again] of [[2, 2], [2, 3]] as const) {
  test(`a checkpoint asked for during a graceful stop on ${first} workers is refused, and the restore on ${again} continues exactly where the stop's checkpoint left`, async (t) => {
    t.timeout(120_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-stop-last-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    await mkdir(join(dir, 'out'))
    const records = Array.from({ length: lines }, (_, id) => ({ id, key: `k${(id * 7919) % 23}` }))
    await writeFile(join(dir, 'in.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const store = stores.file(join(dir, 'store'))
    // Paced from the first record (50 µs each, ~1 s a split): the stop falls mid-input however loaded the machine.
    const params = { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), slowFrom: 0, slowMs: 0.05 }
    const job = build(params).run({ workers: first, module, params, store, checkpointInterval: 50 })
    while ((job.metrics().steps.lines?.recordsOut ?? 0) < 1_000) {
      t.not(job.metrics().status, 'completed', 'the input outlasted the first records')
      await new Promise((r) => setTimeout(r, 5))
    }
    const stopped = job.stop()
    const late = await job.checkpoint().then(() => undefined, (e: unknown) => e)
    t.true(isCheckpointAfterStopError(late), `the checkpoint asked for after the stop: ${String(late)}`)
    const a = await stopped
    t.is(a.status, 'stopped')
    t.true(a.steps.lines.recordsOut < lines, `stopped mid-input (${a.steps.lines.recordsOut} of ${lines} read)`)

    const b = await build(params).run({ workers: again, module, params, store, restore: 'latest' }).done
    t.is(b.status, 'completed')
    t.is(b.restore?.checkpointId, a.checkpoints!.last!.id, "restored the stop's checkpoint")
    t.is(a.steps.lines.recordsOut + b.steps.lines.recordsOut, lines, 'every line read once')
    t.deepEqual(perKey(await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')), perKey(oracle(records)))
  })
}
