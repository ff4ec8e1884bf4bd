// Checkpoints under backpressure, with the job on two worker threads: a slow sink keeps every
// channel full, so barriers wait behind full queues. Checkpoints must still complete (the
// barrier travels in band and is not starved), or be abandoned and counted when they cannot
// align within checkpointTimeout — and the job finishes with every record written either way.
// Alignment time per step is reported in the metrics.
import test from 'ava'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import build from '../../fixtures/runtime/slow-sink-checkpoints.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/runtime/slow-sink-checkpoints.ts')).href

async function storeDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-backpressure-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'store')
}

test('a slow sink with checkpoints every 100 ms: checkpoints complete, every record is written, alignment is reported', async (t) => {
  t.timeout(120_000)
  const params = { count: 60_000, sinkMs: 15 }
  const job = build(params).run({ workers: 2, module, params, store: await storeDir(t), checkpointInterval: 100 })
  const summary = await job.done
  t.is(summary.results.slow, params.count, 'the sink wrote every record')
  t.true(summary.checkpoints!.completed >= 1, `checkpoints completed: ${JSON.stringify(summary.checkpoints)}`)
  t.is(summary.checkpoints!.failed, 0)
  const m = job.metrics()
  // Checkpoints taken after the source ended complete with the instances' final state (no barrier left to align).
  t.true(m.steps.pass.alignment.count >= 2, `both keyed instances aligned barriers: ${JSON.stringify(m.steps.pass.alignment)}`)
  t.true(m.steps.slow.alignment.count >= 1, `the sink aligned barriers from both keyed instances: ${JSON.stringify(m.steps.slow.alignment)}`)
  t.true(m.steps.pass.alignment.maxMs >= m.steps.pass.alignment.lastMs)
  t.is(m.steps.gen.alignment.count, 0, 'sources inject barriers, they do not align them')
  t.log(`checkpoints ${summary.checkpoints!.completed}, last ${summary.checkpoints!.last?.durationMs.toFixed(0)} ms; ` +
    `alignment of 'pass' max ${m.steps.pass.alignment.maxMs.toFixed(1)} ms, of 'slow' max ${m.steps.slow.alignment.maxMs.toFixed(1)} ms`)
})

test('a checkpoint that cannot align within checkpointTimeout is abandoned and counted; the job goes on and completes', async (t) => {
  t.timeout(120_000)
  const params = { count: 40_000, sinkMs: 40 }
  const summary = await build(params).run({ workers: 2, module, params, store: await storeDir(t), checkpointInterval: 100, checkpointTimeout: 30 }).done
  t.is(summary.status, 'completed')
  t.is(summary.results.slow, params.count, 'the sink wrote every record')
  t.true(summary.checkpoints!.abandoned >= 1, `abandoned: ${JSON.stringify(summary.checkpoints)}`)
  t.regex(summary.checkpoints!.lastError ?? '', /checkpoint \d+ .*30 ms|timed out|timeout/i)
})
