// metrics().checkpoints.recent: the job's checkpoints newest last, as the operator's page draws
// them. Oracles: what job.checkpoint() resolved or rejected with, and the manifests in the store
// (which holders wrote changes: an incremental checkpoint).
import test from 'ava'
import { checkpoints, type CheckpointEvent } from '../../../index.ts'
import { CheckpointHistory } from '../../../runtime/checkpoint/checkpoint-history.ts'
import build from '../../fixtures/incremental/keyed-counts.ts'
import { storeBefore } from '../../fixtures/slow-store.ts'

test('completed, failed and the stop\'s checkpoints are listed newest last with their figures; incremental as the manifests say', async (t) => {
  t.timeout(60_000)
  let down = false
  const store = storeBefore('put', () => { if (down) throw new Error('disk full (test)') })
  // 2,000 keys at 5,000 records/s: between two checkpoints 50 ms apart few keys change, so changes are small.
  const job = build({ seed: 4, count: 10_000_000, keys: 2000, rate: 5000 }).run({ store, retain: 20, incremental: { fullEvery: 10, maxChainRatio: 1 } })
  t.teardown(() => job.stop().then(() => undefined, () => undefined))
  while (job.metrics().status !== 'running' || job.metrics().steps.count.recordsIn < 5000) await new Promise((r) => setTimeout(r, 20))
  const expected: Array<Partial<CheckpointEvent> & { before: number; after: number }> = []
  const take = async (): Promise<void> => {
    const before = Date.now()
    try {
      const r = await job.checkpoint()
      expected.push({ id: r.id, status: 'completed', bytes: r.bytes, rawBytes: r.rawBytes, durationMs: r.durationMs, alignmentMs: r.alignmentMs,
        pauseMs: r.pauseMs, incremental: r.incremental, before, after: Date.now() })
    } catch (e) {
      expected.push({ status: 'failed', error: (e as Error).message, before, after: Date.now() })
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  for (let i = 0; i < 3; i++) await take()
  down = true
  await take()
  down = false
  await take()
  const summary = await job.stop()
  const recent = job.metrics().checkpoints!.recent
  t.deepEqual(recent, summary.checkpoints!.recent)
  t.deepEqual(recent.map((e) => e.status), ['completed', 'completed', 'completed', 'failed', 'completed', 'completed'], JSON.stringify(recent))
  for (const [i, want] of expected.entries()) {
    const { before, after, ...fields } = want
    const got = recent[i]
    t.like(got, fields, `event ${i}`)
    t.true(got.at >= before && got.at <= after, `event ${i} triggered during the call`)
    t.true(got.durationMs >= 0 && got.durationMs <= after - before + 1)
  }
  t.regex(recent[3].error!, /disk full \(test\)/)
  t.is(recent[3].bytes, undefined)
  t.true(recent[3].id > recent[2].id && recent[3].id <= recent[4].id, 'a failed checkpoint has the id it was given')
  // The manifests say which checkpoints wrote changes.
  const stored = new Map((await checkpoints(store, 'incremental').list()).map((c) => [c.id, c]))
  for (const e of recent.filter((x) => x.status === 'completed')) {
    const c = stored.get(e.id)
    t.true(c?.ok, `checkpoint ${e.id} is in the store`)
    if (!c?.ok) continue
    t.is(e.incremental, c.incremental > 0, `checkpoint ${e.id}: ${c.incremental} holders wrote changes`)
    t.is(e.bytes, c.storedBytes)
  }
  t.true(recent.some((e) => e.incremental === true), 'some checkpoint was incremental')
  t.is(summary.checkpoints!.failed, 1)
})

test('the history keeps the newest 50, newest last, and never changes an array it handed out', (t) => {
  const h = new CheckpointHistory()
  const first = h.recent
  for (let id = 1; id <= 120; id++) h.add({ id, status: 'completed', at: id, durationMs: 1 })
  t.deepEqual(h.recent.map((e) => e.id), Array.from({ length: 50 }, (_, i) => 71 + i))
  t.deepEqual(first, [])
  const handed = h.recent
  h.add({ id: 121, status: 'failed', at: 121, durationMs: 1, error: 'x' })
  t.is(handed.at(-1)!.id, 120)
  t.is(h.recent.at(-1)!.id, 121)
})
