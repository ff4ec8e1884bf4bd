import test from 'ava'
import { InvalidOptionError, pipeline, sinks, testing, type Source } from '../../../../index.ts'

const counting = (source: Source<number>, keep: boolean) => pipeline('p').source('in', source).keyBy((n) => n % 2)
  .process('count', () => {
    let n = 0
    return {
      onBatch(records, ctx) { for (const r of records) ctx.emit(`${r}:${++n}`) },
      holders: () => (keep ? [{ stateId: 'count/n', stateVersion: '1.0.0', snapshot: () => n, restore: (s: unknown) => { n = s as number } }] : []),
    }
  })
  .sink('out', sinks.collect())

test('snapshotRestoreEquals passes a step whose state is in a holder', async (t) => {
  const report = await testing.snapshotRestoreEquals((src) => counting(src, true), [1, 2, 3, 4, 5, 6], { at: 3 })
  t.true(report.equal, report.difference)
  t.deepEqual([...report.snapshot.keys()].sort(), ['count/n', 'in/position'])
})

test('snapshotRestoreEquals finds state that a step keeps outside its holders, and says where', async (t) => {
  const report = await testing.snapshotRestoreEquals((src) => counting(src, false), [1, 2, 3, 4, 5, 6], { at: 3 })
  t.false(report.equal)
  t.is(report.difference, "sink 'out': record 3 differs: expected '4:4', got '4:1'")
})

test('snapshotRestoreEquals runs inline and needs collect sinks', async (t) => {
  const e1 = await t.throwsAsync(testing.snapshotRestoreEquals((src) => counting(src, true), [1], { run: { workers: 2 } as never }), { instanceOf: InvalidOptionError })
  t.is(e1?.message, 'snapshotRestoreEquals runs inline (workers: 0): it hands the pipeline a source of its own, which worker hosts, importing the pipeline module again, cannot receive')
  const noArray = (src: Source<number>) => pipeline('p').source('in', src).sink('out', { kind: 'sink', description: 'x', open: () => ({ write() {}, result: () => 42 }) })
  const e2 = await t.throwsAsync(testing.snapshotRestoreEquals(noArray, [1]), { instanceOf: InvalidOptionError })
  t.is(e2?.message, "snapshotRestoreEquals: sink 'out' gave no array of records; end every branch in sinks.collect()")
})
