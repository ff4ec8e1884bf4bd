import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stores } from '../../../index.ts'
import batched from '../../fixtures/batch/numbers-batched.ts'

// `.batch` makes groups of `size` records in arrival order: one instance by default, so they are
// the same on any worker count (a plain loop's chunks), and its pending records restore on any.
// Before, it took one instance per worker: other groups on 2 workers, and a checkpoint of them
// that no other worker count could restore.
const module = new URL('../../fixtures/batch/numbers-batched.ts', import.meta.url).href
const chunks = (n: number, size: number): number[][] => Array.from({ length: Math.ceil(n / size) }, (_, i) => Array.from({ length: Math.min(size, n - i * size) }, (_, j) => i * size + j))

test('a batch has one instance by default: the plan on 2 workers says so, and its groups are a plain loop\'s chunks inline and on 2 and 3 workers', async (t) => {
  t.timeout(60_000)
  t.is(batched().plan({ workers: 2 }).steps.find((s) => s.name === 'b')?.parallelism, 1)
  for (const workers of [0, 2, 3]) {
    const s = await batched().run({ workers, ...(workers > 0 && { module }) }).done
    t.deepEqual(s.results.out, chunks(3000, 7), `${workers} workers`)
  }
})

for (const then of [0, 3]) {
  test(`a batch stopped on 2 workers with records pending, restored on ${then} workers, writes a plain loop's chunks exactly once`, async (t) => {
    t.timeout(60_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-batch-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const store = stores.file(join(dir, 'store'))
    // 3 s of input: the stop after 500 records still falls mid-input on a loaded machine (at 3,000/s a
    // loaded run completed before its stop).
    const params = { out: join(dir, 'out.jsonl'), rate: 1000 }
    const first = batched(params).run({ workers: 2, module, params, store, checkpointInterval: 100 })
    while ((first.metrics().steps.m?.recordsOut ?? 0) < 500) await new Promise((r) => setTimeout(r, 20))
    t.is((await first.stop()).status, 'stopped')
    const again = await batched(params).run({ workers: then, ...(then > 0 && { module, params }), store, restore: 'latest' }).done
    t.is(again.status, 'completed')
    const lines = (await readFile(params.out, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as number[])
    t.deepEqual(lines, chunks(3000, 7))
  })
}
