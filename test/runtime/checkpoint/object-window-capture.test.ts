import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sources, type Source, type SourceReader } from '../../../index.ts'
import { ObjectCapture } from '../../../runtime/operators/window/object-capture.ts'
import { buildWindowPipeline, type OutputKind, type Rec, type WindowParams } from '../../fixtures/windows/window-pipeline.ts'

// A running job checkpoints window state kept in objects: the holder marks it at the barrier and
// gathers it in slices while the source keeps reading (each read waits a turn of the event loop,
// so the slices interleave with records), then it is encoded on the pool and written to a file
// store. Restored from that checkpoint, the job's output must be exactly the uninterrupted run's
// output after the barrier (inline, one instance: the output is the same sequence).
// The test may run under load; each is given a larger time budget than ava's default.
ObjectCapture.slice = 8

const input: Rec[] = Array.from({ length: 12_000 }, (_, id) => ({ k: `k${((id * 2654435761) >>> 0) % 293}`, v: (id * 31) % 17 - 8, t: 1_000 + id, id }))

/** sources.iterable over `input`, each read after a setImmediate. */
function paced(records: readonly Rec[]): Source<Rec> {
  const inner = sources.iterable(records)
  return {
    ...inner,
    open: async (ctx) => {
      const reader = await inner.open(ctx) as SourceReader<Rec>
      return { ...reader, read: async (max: number) => { await new Promise<void>((r) => setImmediate(r)); return reader.read(Math.min(max, 8)) }, position: () => reader.position(), holders: () => reader.holders?.() ?? [] }
    },
  }
}

const cases: [string, WindowParams, OutputKind][] = [
  ['length(4) with distinctCount, percentile, first, last', { type: 'length', n: 4 }, 'aggregate'],
  ['sort(3) collecting its records', { type: 'sort', n: 3 }, 'collect'],
  ['session with distinctCount', { type: 'session', gap: 400, maxOutOfOrderness: 0, allowedLateness: 0 }, 'aggregate'],
  ['lengthBatch(5) with reduce', { type: 'lengthBatch', n: 5 }, 'reduce'],
]

for (const [what, window, kind] of cases) {
  test.serial(`${what}: a checkpoint taken while records arrive restores to the barrier — the restored run outputs exactly the rest of the uninterrupted run`, async (t) => {
    t.timeout(60_000)
    const c = { input, window, kind, keyed: true }
    const expected = (await buildWindowPipeline(c, sources.iterable(input)).run().done).results.out as unknown[]
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-objcap-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const job = buildWindowPipeline(c, paced(input)).run({ workers: 0, store: dir, codec: 'none', incremental: false, batchSize: 16 })
    while ((job.metrics().steps['out-w']?.recordsIn ?? 0) < input.length / 3) await new Promise((r) => setTimeout(r, 2))
    const checkpoint = await job.checkpoint()
    const after = job.metrics().steps['out-w']?.recordsIn ?? 0
    t.log(`checkpoint ${checkpoint.id}: ${checkpoint.durationMs.toFixed(0)} ms (paused ${checkpoint.pauseMs.toFixed(2)} ms), ${checkpoint.rawBytes} bytes; ${after} records in when it committed`)
    // Usually true; on a busy machine the job may finish first (object-capture.property.test.ts
    // interleaves slices and records deterministically): logged, not asserted, so the test is not flaky.
    if (after >= input.length) t.log('the job had read all its input when the checkpoint committed')
    await job.done
    const restored = await buildWindowPipeline(c, paced(input)).run({ workers: 0, store: dir, codec: 'none', incremental: false, restore: checkpoint.id, batchSize: 16 }).done
    const rest = restored.results.out as unknown[]
    // No output after the restore only when the barrier came after the last record (a busy machine, logged above).
    t.true((rest.length > 0 || after >= input.length) && rest.length < expected.length, `${rest.length} outputs after the restore of ${expected.length}`)
    t.deepEqual(rest, expected.slice(expected.length - rest.length))
  })
}
