import test from 'ava'
import { ChangeEpochs } from '../../../runtime/state/change-epochs.ts'
import { WindowChanges } from '../../../runtime/operators/window/window-changes.ts'

// What incremental checkpoints track stays bounded: nothing before the first checkpoint's snapshot
// (a job without checkpoints keeps no key however many it touches or drops), and never more than
// the limit between two snapshots — past it, the next incremental checkpoint is a full one.

test('keyed state: keys touched before the first checkpoint are not kept; changes count from that snapshot', (t) => {
  const e = new ChangeEpochs(() => 10)
  for (let i = 0; i < 100_000; i++) e.touch(`k${i}`)
  t.is(e.tracked, 0)
  e.close(1)
  e.touch('b')
  t.is(e.tracked, 1)
  t.deepEqual(e.since(1, 2), new Set(['b']))
})

test('keyed state: more keys touched between two snapshots than the limit: no changes since either, the next full one is a base again', (t) => {
  const e = new ChangeEpochs(() => 3)
  e.close(1)
  for (const k of ['a', 'b', 'c', 'd', 'e']) e.touch(k)
  t.true(e.tracked <= 3)
  t.is(e.since(1, 2), undefined)
  e.touch('x')
  t.deepEqual(e.since(2, 3), new Set(['x']))
})

test('window state: keys dropped before the first checkpoint are not logged; past the limit no base is left', (t) => {
  const c = new WindowChanges(() => 3)
  for (let i = 0; i < 100_000; i++) c.dropped(`k${i}`, i % 128)
  t.is(c.droppedSince(-Infinity).size, 0)
  c.took(1)
  c.dropped('a', 1)
  t.deepEqual([...c.droppedSince(c.since(1)!)], [[1, ['a']]])
  for (const k of ['b', 'c', 'd']) c.dropped(k, 2)
  t.is(c.since(1), undefined, 'the log outgrew its limit: checkpoint 1 is no base any more')
  t.is(c.droppedSince(-Infinity).size, 0)
})
