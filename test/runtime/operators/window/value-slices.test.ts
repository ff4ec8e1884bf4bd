// Window state kept in objects (distinctCount, percentile, first/last, record-holding windows) is
// captured as value columns by shape since state version 1.2.0 (count and processing-time
// windows) and 1.4.0 (event-time ones). Differential oracle: the uninterrupted run. A restore of
// such a capture continues as that run; the same states in the older forms (v8 lists, record
// queues as exchange columns) under the older version restore the same; `.reduce`'s own
// accumulators keep v8's form, which keeps shared parts shared.
import test from 'ava'
import v8 from 'node:v8'
import { finishCaptureNow } from '../../../../persistence/snapshot-capture.ts'
import { packSlice, unpackSlice } from '../../../../runtime/operators/window/slice-records.ts'
import type { WindowStepState } from '../../../../runtime/operators/window/window-snapshot.ts'
import type { WindowStatesPart } from '../../../../runtime/operators/window/window-states-part.ts'
import { feed, handOperator, stored, type HandOperator } from '../../../fixtures/windows/window-operator-harness.ts'
import type { Rec, WindowParams } from '../../../fixtures/windows/window-pipeline.ts'

// 30 keys in rising event time; the event-time windows stay open past the cut.
const input: Rec[] = Array.from({ length: 600 }, (_, id) => ({ k: `k${(id * 7) % 30}`, v: (id * 13) % 9, t: 1_000 + id, id }))
const cut = 300

const cases: [WindowParams, string][] = [
  [{ type: 'length', n: 5 }, '1.1.0'],
  [{ type: 'sort', n: 3 }, '1.1.0'],
  [{ type: 'time', ms: 1_000 }, '1.1.0'],
  [{ type: 'tumbling', size: 1_000, maxOutOfOrderness: 0, allowedLateness: 0 }, '1.3.0'],
  [{ type: 'session', gap: 50, maxOutOfOrderness: 0, allowedLateness: 0 }, '1.3.0'],
]

/** The parts of a captured state (one per instance, shared by its key groups). */
const partsOf = (state: WindowStepState): WindowStatesPart[] => [...new Set([...state.values()].map((g) => g.states!))]
const isValueSlice = (bytes: Uint8Array): boolean => { const v = v8.deserialize(bytes) as object; return !Array.isArray(v) && 'values' in v }

function continued(make: () => HandOperator, state: WindowStepState, version: string): unknown[] {
  const h = make()
  h.holder.restore(stored(state), version)
  feed(h, input.slice(cut))
  void h.op.end(true)
  return h.out
}

/** The states captured after the cut (feeding on while it gathers), and what the step output before it. */
function capturedAtCut(make: () => HandOperator): { state: WindowStepState; before: unknown[] } {
  const h = make()
  feed(h, input.slice(0, cut))
  const before = [...h.out]
  const capture = h.holder.capture!(1)!
  return { state: stored(finishCaptureNow(capture) as WindowStepState), before }
}

for (const [window, older] of cases) {
  for (const kind of ['aggregate', 'collect'] as const) {
    test(`${window.type}, ${kind}: captured by shape, restored as the uninterrupted run; the ${older} forms restore the same`, (t) => {
      const make = () => handOperator(window, kind)
      const whole = make()
      feed(whole, input)
      void whole.op.end(true)
      const { state, before } = capturedAtCut(make)
      const version = make().holder.stateVersion
      t.true(/^1\.(2|4)\.0$/.test(version), version)
      const parts = partsOf(state)
      t.true(parts.length > 0 && parts.every((p) => p.slices.length > 0 && p.slices.every(isValueSlice)), 'every slice is value columns')
      t.deepEqual([...before, ...continued(make, state, version)], whole.out)

      // The older forms of the same states: v8 lists, or record queues as exchange columns.
      for (const p of parts) (p as { slices: Uint8Array[] }).slices = p.slices.map((s) => new Uint8Array(v8.serialize(packSlice(unpackSlice(v8.deserialize(s)), false))))
      t.false(parts.some((p) => p.slices.some(isValueSlice)))
      t.deepEqual([...before, ...continued(make, state, older)], whole.out)
    })
  }
}

test('.reduce keeps its accumulator as v8 writes it: parts it shares stay shared after a restore', (t) => {
  // `a` and `b` are one object: adding to `a` shows in `b`. Captured by shape they would come
  // back as two objects, and `b` would stop counting after the restore.
  type Acc = { a: { n: number }; b: { n: number } }
  const output = { kind: 'reduce' as const, fn: (acc: Acc, r: Rec) => { acc.a.n += r.v + 1; return acc }, init: (): Acc => { const o = { n: 0 }; return { a: o, b: o } } }
  const make = () => handOperator({ type: 'tumbling', size: 1_000, maxOutOfOrderness: 0, allowedLateness: 0 }, 'reduce', output as never)
  const whole = make()
  feed(whole, input)
  void whole.op.end(true)
  t.true((whole.out as { value: Acc }[]).every(({ value }) => value.a.n === value.b.n && value.a.n > 0))
  const { state, before } = capturedAtCut(make)
  t.true(partsOf(state).every((p) => p.slices.every((s) => Array.isArray(v8.deserialize(s)))), 'slices as v8 writes them')
  t.deepEqual([...before, ...continued(make, state, make().holder.stateVersion)], whole.out)
})
