// The restore a restart policy does inside the runner (same process, new hosts) must not run
// the end of a step that had ended before the checkpoint either: source A ends (its Oxi emits
// A's total in onEnd), a checkpoint commits after that, then a step on B's branch throws once;
// the job restarts from that checkpoint and its output is the uninterrupted run's, total once.
import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, sinks, sources, stores, type Oxi } from '../../../index.ts'

interface Trigger { aEnded: boolean; armed: boolean; thrown: boolean }

function build(out: string, rate: number, trigger: Trigger) {
  const total = (): Oxi<number, unknown> => {
    let n = 0
    return {
      onBatch(rs, ctx) { for (const r of rs) { n++; ctx.emit({ src: 'a', i: r }) } },
      onEnd(ctx) { ctx.emit({ src: 'a', total: n }); trigger.aEnded = true },
      holders: () => [{ stateId: 'total/n', stateVersion: '1.0.0', snapshot: () => n, restore: (s) => { n = s as number } }],
    }
  }
  const p = pipeline('ended-restart')
  const a = p.source('a', sources.iterable(Array.from({ length: 500 }, (_, i) => i))).process('total', total, { parallelism: 1 })
  const b = p.source('b', sources.generator({ seed: 3, count: 3000, rate, keys: 5 })).map('tag-b', (r): unknown => {
    if (trigger.armed && !trigger.thrown) { trigger.thrown = true; throw new Error('thrown once, after A ended and a checkpoint after it') }
    return { src: 'b', id: r.id }
  })
  a.union('both', b).sink('out', sinks.jsonl(out))
  return p
}

const lines = async (path: string): Promise<string[]> => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '').sort()

test('a restart from a checkpoint taken after A ended does not run A\'s end again', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-ended-restart-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await build(join(dir, 'expected.jsonl'), 1e9, { aEnded: false, armed: false, thrown: false }).run().done
  const trigger: Trigger = { aEnded: false, armed: false, thrown: false }
  const job = build(join(dir, 'out.jsonl'), 2000, trigger).run({ store: stores.memory(), checkpointInterval: 50, restart: { attempts: 1, backoffMs: 10 } })
  while (!trigger.aEnded) await new Promise((r) => setTimeout(r, 10))
  const after = await job.checkpoint() // its barrier comes after A's end
  trigger.armed = true
  const summary = await job.done
  t.is(summary.restarts?.attempts, 1, 'the job must have restarted once')
  t.is(summary.restarts?.causes[0].restoredFrom !== undefined && summary.restarts.causes[0].restoredFrom >= after.id, true, 'restored from the checkpoint after A ended, or a later one')
  const actual = await lines(join(dir, 'out.jsonl'))
  t.is(actual.filter((l) => l.includes('"total"')).length, 1, "A's total must appear once")
  t.deepEqual(actual, await lines(join(dir, 'expected.jsonl')))
})
