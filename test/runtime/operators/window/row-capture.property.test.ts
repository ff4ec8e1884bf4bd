import test from 'ava'
import fc from 'fast-check'
import type { WindowHost } from '../../../../runtime/contracts/window.ts'
import { RowWindows } from '../../../../runtime/operators/window/row-windows.ts'
import { RowCapture } from '../../../../runtime/operators/window/row-capture.ts'
import { WindowChanges } from '../../../../runtime/operators/window/window-changes.ts'
import { windowAccumulation } from '../../../../runtime/operators/window/window-accumulators.ts'
import { finishCaptureNow } from '../../../../persistence/snapshot-capture.ts'
import { makeWindow, numericAggregates, type Rec, type WindowParams } from '../../../fixtures/windows/window-pipeline.ts'

// A checkpoint of window state in columns marks the state at the barrier and gathers it in slices
// afterwards while the step goes on (copy-on-write by slot). Oracle: the part written in one go
// at the barrier. Between the mark and the last slice, records arrive, windows fire, keys go and
// new keys reuse their slots; the captured part must still be the barrier's, bit for bit.

type Op = { add: string; t: number } | { fire: number } | { step: true }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ add: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), t: fc.integer({ min: 0, max: 120 }) }), weight: 6 },
  { arbitrary: fc.record({ fire: fc.integer({ min: 0, max: 40 }) }), weight: 2 },
  { arbitrary: fc.constant({ step: true as const }), weight: 2 },
)

const windowArb: fc.Arbitrary<WindowParams> = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map((size) => ({ type: 'tumbling' as const, size, maxOutOfOrderness: 0, allowedLateness: 5 })),
  fc.integer({ min: 1, max: 10 }).map((slide) => ({ type: 'sliding' as const, size: 3 * slide, slide, maxOutOfOrderness: 0, allowedLateness: 0 })),
  fc.integer({ min: 1, max: 20 }).map((gap) => ({ type: 'session' as const, gap, maxOutOfOrderness: 0, allowedLateness: 3 })),
)

/** A window step reduced to what changes its slots: keys → slots, adds, firing and dropping. */
function stepOf(params: WindowParams) {
  const window = makeWindow(params)
  const changes = new WindowChanges(() => 1024)
  const rows = windowAccumulation('s', { kind: 'aggregate', aggregates: numericAggregates() }, window.mode).rows!
  const w = new RowWindows(window, rows, changes)
  const host: WindowHost = { acc: undefined as never, emit: () => {}, late: () => {} }
  const keys = new Map<string, number>()
  let ord = 0
  let wm = -Infinity
  let id = 0
  return {
    w, changes,
    apply(op: Op, capture?: { step(): unknown }): void {
      if ('step' in op) { capture?.step(); return }
      if ('fire' in op) {
        wm = Math.max(wm, op.fire * 3)
        for (const [key, k] of [...keys]) {
          if (w.due(k) > wm) continue
          w.fire(host, key, k, wm)
          if (w.due(k) === Infinity) { w.release(k); keys.delete(key) }
        }
        return
      }
      const r: Rec = { k: op.add, v: op.t % 7 - 3, t: op.t, id: id++ }
      const k = keys.get(op.add)
      if (k !== undefined) { w.add(host, op.add, k, r, op.t, wm); return }
      const fresh = w.create()
      w.add(host, op.add, fresh, r, op.t, wm)
      if (w.due(fresh) === Infinity) { w.release(fresh); return }
      w.bind(fresh, op.add, op.add.charCodeAt(0) % 4, ord++)
      keys.set(op.add, fresh)
    },
  }
}

// Two slots per step: the slices interleave with the changes.
RowCapture.slice = 2

test('a capture gathered while the step goes on equals the part written at the barrier, full and changes', (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  let kept = 0
  fc.assert(fc.property(windowArb, fc.array(opArb, { maxLength: 40 }), fc.array(opArb, { maxLength: 20 }), fc.array(opArb, { maxLength: 60 }), fc.boolean(),
    (params, before, between, after, incremental) => {
      const s = stepOf(params)
      for (const op of before) s.apply(op)
      // An earlier checkpoint: the changes since it are what an incremental capture takes.
      const since = incremental ? s.changes.epoch : -Infinity
      if (incremental) s.changes.took(1)
      for (const op of between) s.apply(op)
      const codec = s.w.codec()
      const expected = codec.writeAll(since)
      const capture = codec.capture(since)
      s.changes.took(2)
      for (const op of after) s.apply(op, capture)
      const part = finishCaptureNow(capture)
      t.deepEqual(part, expected)
      if (after.some((op) => 'add' in op)) kept++
    }), { numRuns: 400, seed })
  t.true(kept > 100, 'records arrived while captures were gathered')
})

test('a capture still being gathered is finished before the next one starts and before the state is cleared', (t) => {
  const s = stepOf({ type: 'tumbling', size: 10, maxOutOfOrderness: 0, allowedLateness: 0 })
  for (let i = 0; i < 50; i++) s.apply({ add: 'abcdefgh'[i % 8]!, t: i })
  const codec = s.w.codec()
  const first = codec.writeAll(-Infinity)
  const capture = codec.capture(-Infinity)
  s.changes.took(1)
  const second = codec.capture(-Infinity)
  t.deepEqual(capture.step(), first, 'the first capture was completed when the second began')
  s.apply({ add: 'z', t: 60 })
  s.w.clear()
  t.truthy(finishCaptureNow(second))
})
