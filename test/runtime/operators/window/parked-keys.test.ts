import test from 'ava'
import { FREE } from '../../../../runtime/operators/window/key-slots.ts'
import { ParkedKeys } from '../../../../runtime/operators/window/parked-keys.ts'
import { RowWindows } from '../../../../runtime/operators/window/row-windows.ts'
import { WindowChanges } from '../../../../runtime/operators/window/window-changes.ts'
import { WindowKeys } from '../../../../runtime/operators/window/window-keys.ts'
import { WindowTimers } from '../../../../runtime/operators/window/window-timers.ts'
import { windowAccumulation } from '../../../../runtime/operators/window/window-accumulators.ts'
import { makeWindow, numericAggregates } from '../../../fixtures/windows/window-pipeline.ts'

// Keys of tumbling windows in rows whose last window fired are parked for their next window. A
// parked key must be invisible to everything a snapshot or the end of input sees, come back with
// a new creation order, and never make the step hold more keys than it ever held live (and 1024).
// The window step's own output with parking is checked against the object form by the kernel's
// property test (row-kernel.property.test.ts) and across checkpoints by the snapshot, incremental
// and rescale tests.

/** A tumbling window step's key state, registering keys as the step does (WindowOperator.register). */
function step(size = 10) {
  const window = makeWindow({ type: 'tumbling', size, maxOutOfOrderness: 0, allowedLateness: 0 })
  const changes = new WindowChanges(() => 1024)
  const rows = new RowWindows(window, windowAccumulation('s', { kind: 'aggregate', aggregates: numericAggregates() }, window.mode).rows!, changes)
  const keys = new WindowKeys(true)
  const timers = new WindowTimers(keys)
  let nextOrd = 0
  const parked = ParkedKeys.forTumbling(rows, keys, timers, changes, () => nextOrd++)!
  const register = (key: string): number => {
    const k = rows.create()
    const ord = nextOrd++
    rows.bind(k, key, 7, ord)
    keys.add(key, 7, ord, k, changes.epoch)
    return k
  }
  return { rows, keys, timers, parked, register, changes, ord: () => nextOrd }
}

test('a parked key is gone from the live keys and from what snapshots read; reopened, it is live with a new creation order, one window and its timer', (t) => {
  const s = step()
  const k = s.register('a')
  s.register('b')
  s.parked.park(k)
  t.false(s.keys.has('a'))
  t.is(s.keys.size, 1)
  t.is(s.rows.slots.keyAt[k], FREE)
  t.is(s.rows.codec().changed(-Infinity), 1)
  t.deepEqual([...s.keys.inKeyOrder()].map((slot) => s.keys.keyAt[slot]), ['b'])
  t.is(s.parked.map.get('a'), k)

  const row = s.parked.reopen(k, 20, 30)
  t.true(s.keys.has('a'))
  t.is(s.keys.get('a')!.ord, 2, 'the next creation order, as a key registered again gets')
  t.is(s.rows.slots.keyAt[k], 'a')
  t.is(s.rows.slots.ords[k], 2)
  t.is(s.rows.slots.heads[k], row)
  t.deepEqual([s.rows.table.data[row * s.rows.table.width], s.rows.table.data[row * s.rows.table.width + 1]], [20, 30])
  t.is(s.timers.next, 29, "the window's end − 1")
  t.is(s.parked.map.size, 0)
  t.deepEqual([...s.keys.inKeyOrder()].map((slot) => s.keys.keyAt[slot]), ['b', 'a'])
})

test('a key registered afresh by the general path frees the slot it had parked, which the next key takes', (t) => {
  const s = step()
  const k = s.register('a')
  s.parked.park(k)
  s.parked.forget('a')
  t.is(s.parked.map.size, 0)
  t.is(s.keys.keyAt[k], undefined)
  t.is(s.rows.create(), k)
})

test('parked keys never outnumber the most keys held live (and 1024): keys that never come back are freed', (t) => {
  const s = step()
  // 10,000 keys, one at a time: each is live alone, then parked.
  let most = 0
  for (let i = 0; i < 10_000; i++) {
    s.parked.park(s.register(`k${i}`))
    most = Math.max(most, s.parked.map.size)
  }
  t.true(most <= 1025, `at most 1024 parked (and the one being parked), found ${most}`)
  t.true(s.rows.slots.top <= 1026, `freed slots are taken again: ${s.rows.slots.top} slots used`)

  // 3,000 keys live at once, then all parked: none is freed (the step held as many).
  const t2 = step()
  const slots = Array.from({ length: 3000 }, (_, i) => t2.register(`k${i}`))
  for (const k of slots) t2.parked.park(k)
  t.is(t2.parked.map.size, 3000)
  t.is(t2.keys.size, 0)
})

test('a restore resets the parked keys (the rows and keys were cleared)', (t) => {
  const s = step()
  s.parked.park(s.register('a'))
  s.rows.clear()
  s.keys.clear()
  s.parked.reset()
  t.is(s.parked.map.size, 0)
  t.is(s.rows.create(), 0)
})
