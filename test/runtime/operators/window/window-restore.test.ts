// Restores of window state in columns: a restored step takes the snapshot's columns over as its
// own, so the same restoreFrom snapshot restored twice must give the same output twice; and a
// snapshot names the maxKeyGroups its keys' groups were computed with, refused under another;
// a snapshot of the previous state version (typed-array columns only) still restores.
import test from 'ava'
import { stoppableSource } from '../../../fixtures/windows/stoppable-source.ts'
import { agg, pipeline, sinks, windows, type JobSnapshot, type Source } from '../../../../index.ts'
import { columnValues, type Column } from '../../../../runtime/operators/window/part-column.ts'

interface Ev { readonly k: string; readonly v: number; readonly t: number }

// 40 keys, fractional values (the sum and max columns stay Float64Arrays), one window of 10 s
// that does not close before the input ends: the stop snapshot holds every key's open window.
const input: Ev[] = Array.from({ length: 400 }, (_, i) => ({ k: `k${i % 40}`, v: i + 0.25, t: i }))

/** Reads `records`; with `stopAfter`, stops the job once it has read them all (nothing more fires). */
const source = (records: readonly Ev[], stopAfter?: () => void): Source<Ev> => stoppableSource(records, 'window-restore test input', stopAfter)

const build = (src: Source<Ev>) => pipeline('window-restore').source('in', src).keyBy((r) => r.k)
  .window('w', windows.tumbling({ size: 10_000, time: (r: Ev) => r.t }))
  .aggregate('stats', { n: agg.count<Ev>(), total: agg.sum((r: Ev) => r.v), top: agg.max((r: Ev) => r.v), mean: agg.avg((r: Ev) => r.v) })
  .sink('out', sinks.collect())

/** The snapshot of a job stopped after the first half of the input. */
async function stoppedHalfway(maxKeyGroups?: number): Promise<JobSnapshot> {
  let stop = (): void => {}
  const job = build(source(input.slice(0, 200), () => stop())).run({ snapshotAtEnd: true, ...(maxKeyGroups && { maxKeyGroups }) })
  stop = () => { void job.stop() }
  const { snapshot, results } = await job.done
  if ((results.out as unknown[]).length !== 0) throw new Error('the window fired before the stop: the test input is wrong')
  return snapshot!
}

const byKey = (rows: unknown[]): unknown[] => [...(rows as { key: string }[])].sort((a, b) => (a.key < b.key ? -1 : 1))

test('the same restoreFrom snapshot restored twice gives the uninterrupted output twice (a restore does not change the snapshot)', async (t) => {
  const expected = byKey((await build(source(input)).run().done).results.out as unknown[])
  t.is(expected.length, 40)
  const snapshot = await stoppedHalfway()
  for (const round of [1, 2]) {
    const { results } = await build(source(input.slice(200))).run({ restoreFrom: snapshot }).done
    t.deepEqual(byKey(results.out as unknown[]), expected, `restore ${round}`)
  }
})

test('a window snapshot taken with maxKeyGroups 128 is refused under 256, naming both', async (t) => {
  const snapshot = await stoppedHalfway(128)
  const err = await t.throwsAsync(build(source(input.slice(200))).run({ restoreFrom: snapshot, maxKeyGroups: 256 }).done)
  t.regex(String(err?.message), /maxKeyGroups 128/)
  t.regex(String(err?.message), /maxKeyGroups 256/)
})

test('an older window snapshot without its maxKeyGroups is still checked key by key under another maxKeyGroups', async (t) => {
  const snapshot = await stoppedHalfway(128)
  const entry = snapshot.get('stats/w')!
  for (const groups of entry.instances as Map<number, { maxKeyGroups?: number }>[]) {
    for (const g of groups.values()) delete g.maxKeyGroups
  }
  const err = await t.throwsAsync(build(source(input.slice(200))).run({ restoreFrom: snapshot, maxKeyGroups: 256 }).done)
  t.regex(String(err?.message), /another maxKeyGroups/)
})

test('a 1.1.0 window snapshot (every column a typed array) restores under 1.2.0 and continues as the uninterrupted run', async (t) => {
  const expected = byKey((await build(source(input)).run().done).results.out as unknown[])
  const snapshot = await stoppedHalfway()
  const entry = snapshot.get('stats/w')!
  type Part = { cols: unknown[] }
  let rewritten = 0
  // The form 1.1.0 wrote: constants and references written out as Float64Arrays.
  for (const groups of entry.instances as Map<number, { shared?: Part }>[]) {
    for (const g of groups.values()) {
      const part = g.shared!
      if (part.cols.some((c) => !ArrayBuffer.isView(c))) rewritten++
      part.cols = part.cols.map((_, i) => Float64Array.from(columnValues(part.cols as Column[], i)))
    }
  }
  t.true(rewritten > 0, 'the 1.2.0 snapshot had constant or reference columns')
  const old = new Map(snapshot)
  old.set('stats/w', { stateVersion: '1.1.0', instances: entry.instances })
  const { results } = await build(source(input.slice(200))).run({ restoreFrom: old }).done
  t.deepEqual(byKey(results.out as unknown[]), expected)
})
